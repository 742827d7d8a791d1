package dev.restoreflow.worker.nats;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers seed 002's requests for one instance: checks each, starts the backup or restore job,
 * or reads the catalog. Every reply is the seed's JSON (plus {@code job} and {@code error});
 * a malformed or refused request starts nothing.
 */
public final class NatsBackupService {

  private static final Logger log = LoggerFactory.getLogger(NatsBackupService.class);
  static final String VIA = "nats";
  private static final String BAD = "bad";
  private static final String OK = "ok";

  private final String instance;
  private final String backupPlace;
  private final RequestResolver resolver;
  private final RestoreflowClient restoreflow;
  private final JobLedger ledger;
  private final ArchiveCatalog catalog;
  private final DatabaseTables databaseTables;
  private final ArchiveNames names = new ArchiveNames();
  private final Clock clock;

  NatsBackupService(String instance, RequestResolver resolver, RestoreflowClient restoreflow,
      JobLedger ledger, ArchiveCatalog catalog, DatabaseTables databaseTables, Clock clock) {
    this.instance = instance;
    InstanceConfig config = resolver.instance(instance);
    this.backupPlace = resolver.engines().of(config).backupPlace(config);
    this.resolver = resolver;
    this.restoreflow = restoreflow;
    this.ledger = ledger;
    this.catalog = catalog;
    this.databaseTables = databaseTables;
    this.clock = clock;
  }

  /** The reply to one request on {@code endpoint}'s subject. */
  public byte[] answer(NatsEndpoint endpoint, Map<String, List<String>> headers, byte[] body) {
    NatsRequest request = switch (endpoint) {
      case LISTBACKUPS -> NatsRequestParser.listBackups();
      case MAKEBACKUP -> NatsRequestParser.makeBackup(headers, body);
      case ARCHIVE -> NatsRequestParser.archive(headers, body);
      case RESTORE -> NatsRequestParser.restore(headers, body);
      case STATUS -> NatsRequestParser.status(headers, body);
    };
    if (request instanceof NatsRequest.Invalid invalid) {
      log.info("nats: bad {} request: {}", endpoint.subjectName(), invalid.reason());
      return bad(endpoint, invalid.shownName(), invalid.reason());
    }
    try {
      return perform(request);
    } catch (RequestRejectedException e) {
      log.info("nats: {} refused: {} {}", endpoint.subjectName(), e.type(), e.getMessage());
      return bad(endpoint, shownName(request), e.type() + ": " + e.getMessage());
    } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
      log.error("nats: Temporal did not answer a {} request: {}", endpoint.subjectName(),
          e.getMessage());
      return bad(endpoint, shownName(request), "the Temporal server did not answer; try again,"
          + " and check the restoreflow server's log");
    }
  }

  private byte[] perform(NatsRequest request) {
    if (request instanceof NatsRequest.MakeBackup m) {
      return makeBackup(m);
    }
    if (request instanceof NatsRequest.Archive a) {
      return archive(a);
    }
    if (request instanceof NatsRequest.Restore r) {
      return restore(r);
    }
    if (request instanceof NatsRequest.Status s) {
      return status(s);
    }
    return listBackups();
  }

  /** The bad reply of a subject, as the seed shapes it, with the reason added. */
  static byte[] bad(NatsEndpoint endpoint, String shownName, String reason) {
    Map<String, String> reply = new LinkedHashMap<>();
    switch (endpoint) {
      case LISTBACKUPS -> {
        return SeedJson.object(Map.of());
      }
      case MAKEBACKUP -> {
        reply.put("status", BAD);
        reply.put("futurefilename", "");
      }
      case ARCHIVE -> reply.put(shownName, BAD);
      case RESTORE, STATUS -> reply.put("status", BAD);
    }
    reply.put("error", reason);
    return SeedJson.object(reply);
  }

  private static String shownName(NatsRequest request) {
    return request instanceof NatsRequest.Archive a ? a.archiveName() : "";
  }

  private byte[] listBackups() {
    Map<String, String> reply = new LinkedHashMap<>();
    for (CatalogBackup archive : catalog.archives().orElse(List.of())) {
      if (!CatalogBackup.RUNNING.equals(archive.status())) {
        reply.put(String.valueOf(reply.size()), archive.id());
      }
    }
    return SeedJson.object(reply);
  }

  private byte[] makeBackup(NatsRequest.MakeBackup m) {
    String name = names.next(clock.instant());
    BackupRequest request = BackupRequest.of(instance).withTables(m.tables()).withName(name)
        .withRequestedVia(VIA, "nats client");
    resolver.resolveBackup(null, request);
    Optional<List<String>> present = databaseTables.tables();
    if (present.isEmpty()) {
      return bad(NatsEndpoint.MAKEBACKUP, "", "the database's tables cannot be read now (is the"
          + " host's worker running and the database up?); nothing was started");
    }
    List<String> unknown = m.tables().stream().filter(t -> !present.get().contains(t)).toList();
    if (!unknown.isEmpty()) {
      return bad(NatsEndpoint.MAKEBACKUP, "", "no table " + String.join(", ", unknown)
          + " in the database; nothing was started");
    }
    Submission job = restoreflow.submitBackup(request);
    String future = backupPlace == null ? name : backupPlace.replaceAll("/+$", "") + "/" + name;
    log.info("nats: makebackup of {} tables {} -> job {}, archive {}", instance, m.tables(),
        job.jobId(), future);
    Map<String, String> reply = new LinkedHashMap<>();
    reply.put("status", OK);
    reply.put("futurefilename", future);
    reply.put("job", job.jobId());
    return SeedJson.object(reply);
  }

  private byte[] archive(NatsRequest.Archive a) {
    Optional<List<CatalogBackup>> archives = catalog.archives();
    if (archives.isEmpty()) {
      return bad(NatsEndpoint.ARCHIVE, a.archiveName(), "the archives cannot be listed now");
    }
    Optional<String> unusable = unusable(archives.get(), a.archiveName());
    if (unusable.isPresent()) {
      return bad(NatsEndpoint.ARCHIVE, a.archiveName(), unusable.get());
    }
    CatalogBackup archive = find(archives.get(), a.archiveName()).orElseThrow();
    return SeedJson.object(Map.of("tables", String.join(",", tablesOf(archive))));
  }

  private byte[] restore(NatsRequest.Restore r) {
    Optional<List<CatalogBackup>> archives = catalog.archives();
    if (archives.isEmpty()) {
      return bad(NatsEndpoint.RESTORE, "", "the archives cannot be listed now");
    }
    Optional<String> unusable = unusable(archives.get(), r.archiveName());
    if (unusable.isPresent()) {
      return bad(NatsEndpoint.RESTORE, "", unusable.get());
    }
    List<String> held = tablesOf(find(archives.get(), r.archiveName()).orElseThrow());
    List<String> missing = new ArrayList<>(r.tables());
    missing.removeAll(held);
    if (!missing.isEmpty()) {
      return bad(NatsEndpoint.RESTORE, "", "not in archive " + r.archiveName() + ": "
          + String.join(",", missing) + " (it holds " + String.join(",", held) + ")");
    }
    RestoreRequest request = RestoreRequest.of(instance).withBackupId(r.archiveName())
        .withTables(r.tables()).withRequestedVia(VIA, "nats client");
    ResolvedRestore resolved = resolver.resolveRestore(null, request);
    request = request.withBackupId(resolver.backupId(instance, r.archiveName()))
        .withHost(resolved.host());
    Submission job = restoreflow.submit(request);
    log.info("nats: restore of {} tables {} from {} -> job {}", instance, r.tables(),
        r.archiveName(), job.jobId());
    Map<String, String> reply = new LinkedHashMap<>();
    reply.put("status", OK);
    reply.put("job", job.jobId());
    return SeedJson.object(reply);
  }

  private byte[] status(NatsRequest.Status s) {
    Map<String, String> reply = new LinkedHashMap<>();
    try {
      RestoreProgress p = restoreflow.progress(s.jobId());
      reply.put("status", OK);
      reply.put("job", s.jobId());
      reply.put("state", String.valueOf(p.state()));
      reply.put("step", p.currentStep() == null ? "" : p.currentStep());
      if (p.steps() != null) {
        long done = p.steps().stream().filter(step -> step.status() == StepStatus.DONE
            || step.status() == StepStatus.SKIPPED).count();
        reply.put("progress", done + "/" + p.steps().size() + " steps");
      }
      if (p.backupId() != null) {
        reply.put("backup", p.backupId());
      }
      if (p.state() != null && p.state().isFinal() && p.message() != null) {
        reply.put("message", p.message());
      }
      return SeedJson.object(reply);
    } catch (WorkflowNotFoundException e) {
      Optional<JobRow> row = ledger.job(s.jobId());
      if (row.isEmpty()) {
        return bad(NatsEndpoint.STATUS, "", "no job '" + s.jobId() + "'");
      }
      reply.put("status", OK);
      reply.put("job", s.jobId());
      reply.put("state", row.get().status());
      reply.put("step", row.get().currentStep() == null ? "" : row.get().currentStep());
      if (row.get().error() != null) {
        reply.put("message", row.get().error());
      }
      return SeedJson.object(reply);
    }
  }

  /** Why the archive cannot be read or restored from; empty when it can. */
  private static Optional<String> unusable(List<CatalogBackup> archives, String name) {
    Optional<CatalogBackup> archive = find(archives, name);
    if (archive.isEmpty()) {
      return Optional.of("no archive " + name);
    }
    if (!CatalogBackup.OK.equals(archive.get().status())) {
      return Optional.of("archive " + name + " is " + archive.get().status()
          + " (damaged or unfinished)");
    }
    return Optional.empty();
  }

  private static Optional<CatalogBackup> find(List<CatalogBackup> archives, String name) {
    return archives.stream().filter(b -> name.equals(b.id())).findFirst();
  }

  private static List<String> tablesOf(CatalogBackup archive) {
    return archive.tables() == null ? List.of() : archive.tables();
  }
}
