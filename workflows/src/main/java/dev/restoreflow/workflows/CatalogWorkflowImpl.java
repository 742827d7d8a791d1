package dev.restoreflow.workflows;

import java.util.Map;
import java.util.HashMap;
import dev.restoreflow.workflows.model.ProvenBackup;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.activities.CatalogActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class CatalogWorkflowImpl implements CatalogWorkflow {

  /** A listing is for a person waiting: a host without a worker is reported, not waited for. */
  static final ActivityOptions LISTING = ActivityOptions.newBuilder()
      .setScheduleToStartTimeout(Duration.ofSeconds(30))
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setMaximumAttempts(3)
          .setDoNotRetry(FailureType.permanentNames())
          .build())
      .build();

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, RestoreWorkflowImpl.SERVER_SIDE);

  @Override
  public Catalog list(String instance) {
    List<StepInput> targets;
    try {
      targets = server.catalogTargets(instance);
    } catch (ActivityFailure e) {
      throw JobFailures.of(e, null);
    }
    List<Promise<InstanceCatalog>> listings = new ArrayList<>();
    for (StepInput target : targets) {
      CatalogActivities host = Workflow.newActivityStub(CatalogActivities.class,
          LISTING.toBuilder().setTaskQueue(TaskQueues.forHostReads(target.host())).build());
      listings.add(Async.function(host::listBackups, target));
    }
    List<InstanceCatalog> instances = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      try {
        instances.add(listings.get(i).get());
      } catch (ActivityFailure e) {
        StepInput target = targets.get(i);
        instances.add(new InstanceCatalog(target.instance(), null, List.of(), null, null, null,
            "could not be read on host " + target.host() + ": " + JobFailures.rootMessage(e)));
      }
    }
    if (Workflow.getVersion(SHOWS_PROVEN_BACKUPS, Workflow.DEFAULT_VERSION, 1) == 1) {
      instances = instances.stream().map(this::withProofs).toList();
    }
    return new Catalog(instances);
  }

  /** Workflow.getVersion change id (issue 17): each backup says when a drill last proved it. */
  static final String SHOWS_PROVEN_BACKUPS = "catalog-shows-proven-backups";

  /** The instance's listing with the drills' proofs; as it was when the ledger cannot say. */
  private InstanceCatalog withProofs(InstanceCatalog listing) {
    if (listing.backups() == null || listing.backups().isEmpty()) {
      return listing;
    }
    Map<String, ProvenBackup> proofs = new HashMap<>();
    try {
      for (ProvenBackup proof : server.provenBackups(listing.instance())) {
        proofs.put(proof.backupId(), proof);
      }
    } catch (ActivityFailure e) {
      return listing;
    }
    List<CatalogBackup> backups = listing.backups().stream()
        .map(b -> proofs.containsKey(b.id()) ? b.provenBy(proofs.get(b.id())) : b).toList();
    return new InstanceCatalog(listing.instance(), listing.engine(), backups,
        listing.restorableFrom(), listing.restorableTo(), listing.walArchivedTo(), listing.note());
  }
}
