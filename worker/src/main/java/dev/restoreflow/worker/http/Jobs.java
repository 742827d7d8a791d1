package dev.restoreflow.worker.http;

import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting jobs and reading the catalog, for the JSON API and the seed's paths alike: every
 * request is checked by the {@link RequestResolver} first, as the CLI and the line gateway do, so
 * a refused one starts nothing.
 */
final class Jobs {

  private static final Logger log = LoggerFactory.getLogger(Jobs.class);
  static final String VIA = "http";
  private static final Duration CATALOG_WAIT = Duration.ofSeconds(60);

  private final RequestResolver resolver;
  private final RestoreflowClient restoreflow;

  Jobs(RequestResolver resolver, RestoreflowClient restoreflow) {
    this.resolver = resolver;
    this.restoreflow = restoreflow;
  }

  RequestResolver resolver() {
    return resolver;
  }

  /** @throws RequestRejectedException when the resolver refuses the request */
  JobView startBackup(BackupRequest asked, String client) {
    BackupRequest request = asked.withRequestedVia(VIA, client);
    resolver.resolveBackup(null, request);
    Submission job = restoreflow.submitBackup(request);
    log.info("http: backup of {} from {} -> job {} (queue {})", request.instance(), client,
        job.jobId(), job.queuePosition());
    return submitted(job, "backup", request.instance());
  }

  /** @throws RequestRejectedException when the resolver refuses the request */
  JobView startRestore(RestoreRequest asked, String client) {
    RestoreRequest request = asked.withRequestedVia(VIA, client);
    ResolvedRestore resolved = resolver.resolveRestore(null, request);
    if (request.backupId() != null) {
      request = request.withBackupId(resolver.backupId(request.instance(), request.backupId()));
    }
    request = request.withHost(resolved.host());
    Submission job = restoreflow.submit(request);
    log.info("http: restore of {} onto {} from {} -> job {} (queue {})", request.instance(),
        resolved.host(), client, job.jobId(), job.queuePosition());
    return submitted(job, "restore", request.instance());
  }

  /** The instance's backups, read from its engine's repository by its host's worker. */
  InstanceCatalog catalog(String instance) {
    resolver.instance(instance);
    Catalog catalog;
    try {
      catalog = restoreflow.catalog(instance, CATALOG_WAIT);
    } catch (TimeoutException e) {
      throw new Problem(504, Problem.WAIT_TIMEOUT, "the catalog of '" + instance + "' was not"
          + " read within " + CATALOG_WAIT.toSeconds() + " s; is the worker of its host running?");
    }
    return catalog.instances().stream().filter(c -> instance.equals(c.instance())).findFirst()
        .orElse(new InstanceCatalog(instance, null, java.util.List.of(), null, null, null,
            "no catalog came back"));
  }

  private static JobView submitted(Submission job, String kind, String instance) {
    int position = job.queuePosition();
    return new JobView(job.jobId(), job.workflowId(), kind, instance, job.host(),
        position == 0 ? "RUNNING" : "QUEUED", null, null, position >= 0 ? position : null, VIA,
        null, null, null, null, null, java.util.List.of(), null);
  }
}
