package dev.restoreflow.workflows;

import io.temporal.failure.ApplicationFailure;
import io.temporal.client.WorkflowFailedException;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.workflows.model.ProvenBackup;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.Approval;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.ScheduledBackup;
import dev.restoreflow.workflows.model.ScheduledRestore;
import dev.restoreflow.workflows.model.ScheduledRetention;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the histories the replay test replays, one set per version of the workflow code. Run
 * it (not a test) with a new set name after a workflow change, and commit the new files; the old
 * sets stay, because they are what jobs in flight were recorded with:
 * {@code java -cp <test classpath> dev.restoreflow.workflows.HistoryRecorder workflows/src/test/resources/histories v2}
 *
 * <p>Files of an existing set are never overwritten. The first set ("v1", no suffix) is the code
 * before issue 11 (host queue and cancellation versioning), "v2" before issue 12, "v3" after it
 * (engines plan the steps, backups are jobs; it adds the histories of the new workflow types),
 * "v4" after issue 14 (PlanRestore gets the request's {@code full}), "v5" after issue 15's
 * engine pgdump (logical restores, retention jobs), "v6" with retention schedules and the restore
 * target read before a confirmation (it adds ScheduledRetentionWorkflow and
 * RestoreTargetWorkflow), "v7" after issue 17, "v8" after issue 18's wipe off the critical path
 * (kept: restore-success, restore-cancelled-in-restore, restore-aside-failed), "v9" after issue
 * 19's readable history (one ledger write per step, activity summaries), recorded with a third
 * argument {@code readable}: only the restore, backup and retention jobs of that change (the
 * full run's sleeps while a gated step is in flight take real time).
 */
public final class HistoryRecorder {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/histories");
    String set = args.length > 1 ? args[1] : "v1";
    Files.createDirectories(dir);
    Map<String, String> histories = new LinkedHashMap<>();
    if (args.length > 2 && args[2].equals("readable")) {
      try (RestoreflowTestEnv env = new RestoreflowTestEnv()) {
        readable(env, histories);
      }
      write(dir, set, histories);
      System.exit(0);
    }
    try (RestoreflowTestEnv env = new RestoreflowTestEnv()) {
      env.run("recorded-1", RestoreRequest.of("main1").withHost("db1"));
      histories.put("restore-success", restoreHistory(env, "recorded-1"));
      env.run("recorded-2", RestoreRequest.of("main1").withHost("db1").withIncremental(true));
      histories.put("restore-incremental", restoreHistory(env, "recorded-2"));

      // a job that waited in the queue behind another one
      FakeHost.Gate gate = env.host("db1").gate(ProbackupActivities.RESTORE_STEP);
      env.start("recorded-first", RestoreRequest.of("main1"));
      gate.awaitEntered();
      env.start("recorded-waiting", RestoreRequest.of("main1"));
      RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 1, "queued");
      gate.open();
      env.result("recorded-first");
      env.result("recorded-waiting");
      env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> { });
      histories.put("restore-queued", restoreHistory(env, "recorded-waiting"));

      // a job that waited long enough to ask its queue again (since v2)
      FakeHost.Gate longGate = env.host("db1").gate(ProbackupActivities.RESTORE_STEP);
      env.start("recorded-first-2", RestoreRequest.of("main1"));
      longGate.awaitEntered();
      env.start("recorded-reasking", RestoreRequest.of("main1"));
      RestoreflowTestEnv.awaitTrue(() -> env.queue("db1").waiting().size() == 1, "queued");
      env.testEnvironment().sleep(java.time.Duration.ofMinutes(5));
      longGate.open();
      env.result("recorded-first-2");
      env.result("recorded-reasking");
      env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> { });
      histories.put("restore-reasked", restoreHistory(env, "recorded-reasking"));

      histories.put("restore-cancelled-in-stop", cancelledIn(env, Steps.STOP, "recorded-c1"));
      histories.put("restore-cancelled-in-restore", cancelledIn(env,
          ProbackupActivities.RESTORE_STEP, "recorded-c2"));
      histories.put("host-queue-busy", env.client()
          .fetchHistory(TaskQueues.hostQueueWorkflowId("db1")).toJson(true));

      ScheduledRestoreWorkflow drill = env.client().newWorkflowStub(ScheduledRestoreWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId("recorded-drill")
              .setTaskQueue(TaskQueues.SERVER).build());
      drill.run(new ScheduledRestore("drill", RestoreRequest.of("main1")));
      histories.put("scheduled-restore", env.client().fetchHistory("recorded-drill").toJson(true));

      // since v3 (issue 12): the engine's plan lists the steps; backups are jobs; the catalog
      env.run("recorded-lake", RestoreRequest.of("lake"));
      histories.put("restore-basebackup", restoreHistory(env, "recorded-lake"));
      for (String[] backup : new String[][] {{"main1", "FULL", "backup-full"},
          {"main1", "DELTA", "backup-delta"}, {"main1", "PAGE", "backup-page"},
          {"lake", "full", "backup-basebackup"}}) {
        String jobId = "recorded-" + backup[2];
        env.startBackup(jobId, BackupRequest.of(backup[0]).withType(backup[1]))
            .getResult(Object.class);
        histories.put(backup[2], env.client().fetchHistory(TaskQueues.backupWorkflowId(jobId))
            .toJson(true));
      }
      ScheduledBackupWorkflow nightly = env.client().newWorkflowStub(
          ScheduledBackupWorkflow.class, WorkflowOptions.newBuilder()
              .setWorkflowId("recorded-nightly").setTaskQueue(TaskQueues.SERVER).build());
      nightly.run(new ScheduledBackup("nightly", BackupRequest.of("main1")));
      histories.put("scheduled-backup", env.client().fetchHistory("recorded-nightly")
          .toJson(true));
      env.client().newWorkflowStub(CatalogWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId("recorded-catalog").setTaskQueue(TaskQueues.SERVER).build()).list(null);
      histories.put("catalog", env.client().fetchHistory("recorded-catalog").toJson(true));
      histories.put("host-queue-with-backups", env.client()
          .fetchHistory(TaskQueues.hostQueueWorkflowId("db1")).toJson(true));

      // since v4 (issue 14): the request's full reaches PlanRestore
      env.run("recorded-full", RestoreRequest.of("main1").withHost("db1").withFull(true));
      histories.put("restore-full-requested", restoreHistory(env, "recorded-full"));

      // since v5 (issue 15): a logical restore (the cluster stays up); retention jobs
      env.run("recorded-logical", RestoreRequest.of("shop").withHost("db1"));
      histories.put("restore-logical", restoreHistory(env, "recorded-logical"));
      for (RetentionRequest retention : List.of(RetentionRequest.dryRun("main1"),
          RetentionRequest.dryRun("main1").withCounts(3, null, null, null).applying())) {
        Submission job = env.restoreflow().submitRetention(retention);
        env.restoreflow().awaitRetention(job.jobId(), java.time.Duration.ofMinutes(1));
        histories.put(retention.apply() ? "retention-apply" : "retention-dry-run", env.client()
            .fetchHistory(job.workflowId()).toJson(true));
      }

      // since v6: retention schedules (each firing starts a retention job that applies)
      ScheduledRetentionWorkflow tidy = env.client().newWorkflowStub(
          ScheduledRetentionWorkflow.class, WorkflowOptions.newBuilder()
              .setWorkflowId("recorded-tidy").setTaskQueue(TaskQueues.SERVER).build());
      tidy.run(new ScheduledRetention("tidy", RetentionRequest.dryRun("main1")
          .withCounts(3, null, null, null)));
      histories.put("scheduled-retention", env.client().fetchHistory("recorded-tidy")
          .toJson(true));

      // since v6 (issue 15): what a restore would overwrite, read before a person confirms it
      env.client().newWorkflowStub(RestoreTargetWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId("recorded-target").setTaskQueue(TaskQueues.SERVER).build())
          .describe(RestoreRequest.of("main1").withHost("db1"));
      histories.put("restore-target", env.client().fetchHistory("recorded-target").toJson(true));

      // since v7 (issue 17): RTO estimate, approval, notices, drills and clones, proven backups
      env.server().notices(List.of("SUCCEEDED", "FAILED", "AWAITING_APPROVAL", "REJECTED",
          "STALLED"), 3600L);
      env.server().estimate(new RestoreEstimate(95L, "median of 3 restores of main1"));
      env.start("recorded-approved", RestoreRequest.of("main1").withRequireApproval(true));
      env.awaitProgress("recorded-approved", p -> p.state() == JobState.AWAITING_APPROVAL,
          "awaiting approval");
      env.client().newWorkflowStub(RestoreWorkflow.class,
          TaskQueues.restoreWorkflowId("recorded-approved"))
          .approve(new Approval("alice", "OPS-12"));
      env.result("recorded-approved");
      histories.put("restore-approved", restoreHistory(env, "recorded-approved"));
      env.start("recorded-rejected", RestoreRequest.of("main1").withRequireApproval(true));
      env.awaitProgress("recorded-rejected", p -> p.state() == JobState.AWAITING_APPROVAL,
          "awaiting approval");
      env.client().newWorkflowStub(RestoreWorkflow.class,
          TaskQueues.restoreWorkflowId("recorded-rejected")).reject(new Approval("bob", null));
      env.result("recorded-rejected");
      histories.put("restore-rejected", restoreHistory(env, "recorded-rejected"));
      env.start("recorded-unanswered", RestoreRequest.of("main1").withRequireApproval(true));
      env.result("recorded-unanswered");
      histories.put("restore-approval-timeout", restoreHistory(env, "recorded-unanswered"));
      env.run("recorded-drill-17", RestoreRequest.of("main1").withDrill(true));
      histories.put("restore-drill", restoreHistory(env, "recorded-drill-17"));
      env.run("recorded-clone", RestoreRequest.of("main1")
          .withInto(new RestoreInto("/scratch/copy", 6543, null)));
      histories.put("restore-clone", restoreHistory(env, "recorded-clone"));
      env.host("db1").onStep(Steps.PROVE, input -> {
        throw ApplicationFailure.newNonRetryableFailure("amcheck: index t_pkey is corrupt",
            "VERIFY_FAILED");
      });
      try {
        env.run("recorded-drill-failed", RestoreRequest.of("main1").withDrill(true));
      } catch (WorkflowFailedException expected) {
        // the history is what is kept
      }
      env.host("db1").onStep(Steps.PROVE, input -> { });
      histories.put("restore-drill-failed", restoreHistory(env, "recorded-drill-failed"));
      env.startBackup("recorded-backup-notified", BackupRequest.of("main1"))
          .getResult(Object.class);
      histories.put("backup-notified", env.client()
          .fetchHistory(TaskQueues.backupWorkflowId("recorded-backup-notified")).toJson(true));
      histories.put("notify", env.client().fetchHistory("notify-recorded-drill-17:SUCCEEDED")
          .toJson(true));
      env.server().prove(new ProvenBackup("main1", FakeHost.NEWEST_BACKUP,
          "2026-11-30T08:00:00Z", "recorded-drill-17", 12L));
      env.client().newWorkflowStub(CatalogWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId("recorded-catalog-proven").setTaskQueue(TaskQueues.SERVER).build())
          .list(null);
      histories.put("catalog-proven", env.client().fetchHistory("recorded-catalog-proven")
          .toJson(true));

      // since v8 (issue 18): WipeData moves the old data aside, DiscardOldData after success;
      // restore-success-v8 and restore-cancelled-in-restore-v8 above take the new path too
      env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> {
        throw ApplicationFailure.newNonRetryableFailure("backup damaged", "COMMAND_FAILED");
      });
      try {
        env.run("recorded-aside-failed", RestoreRequest.of("main1"));
      } catch (WorkflowFailedException expected) {
        // the history is what is kept
      }
      env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> { });
      histories.put("restore-aside-failed", restoreHistory(env, "recorded-aside-failed"));
    }
    write(dir, set, histories);
    System.exit(0);
  }

  /**
   * Since v9 (issue 19): a restore that succeeds, one whose restore step fails, one cancelled in
   * its restore step, one awaiting approval that is approved, a dry run; a backup; retention jobs.
   */
  private static void readable(RestoreflowTestEnv env, Map<String, String> histories)
      throws Exception {
    env.run("recorded-1", RestoreRequest.of("main1").withHost("db1"));
    histories.put("restore-success", restoreHistory(env, "recorded-1"));
    env.run("recorded-dry", RestoreRequest.of("main1").withHost("db1").withDryRun(true));
    histories.put("restore-dry-run", restoreHistory(env, "recorded-dry"));
    env.run("recorded-lake", RestoreRequest.of("lake"));
    histories.put("restore-basebackup", restoreHistory(env, "recorded-lake"));
    histories.put("restore-cancelled-in-restore", cancelledIn(env,
        ProbackupActivities.RESTORE_STEP, "recorded-c2"));
    env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> {
      throw ApplicationFailure.newNonRetryableFailure("backup damaged", "COMMAND_FAILED");
    });
    try {
      env.run("recorded-aside-failed", RestoreRequest.of("main1"));
    } catch (WorkflowFailedException expected) {
      // the history is what is kept
    }
    env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> { });
    histories.put("restore-aside-failed", restoreHistory(env, "recorded-aside-failed"));
    env.start("recorded-approved", RestoreRequest.of("main1").withRequireApproval(true));
    env.awaitProgress("recorded-approved", p -> p.state() == JobState.AWAITING_APPROVAL,
        "awaiting approval");
    env.client().newWorkflowStub(RestoreWorkflow.class,
        TaskQueues.restoreWorkflowId("recorded-approved"))
        .approve(new Approval("alice", "OPS-12"));
    env.result("recorded-approved");
    histories.put("restore-approved", restoreHistory(env, "recorded-approved"));
    env.startBackup("recorded-backup-full", BackupRequest.of("main1").withType("FULL"))
        .getResult(Object.class);
    histories.put("backup-full", env.client()
        .fetchHistory(TaskQueues.backupWorkflowId("recorded-backup-full")).toJson(true));
    for (RetentionRequest retention : List.of(RetentionRequest.dryRun("main1"),
        RetentionRequest.dryRun("main1").withCounts(3, null, null, null).applying())) {
      Submission job = env.restoreflow().submitRetention(retention);
      env.restoreflow().awaitRetention(job.jobId(), java.time.Duration.ofMinutes(1));
      histories.put(retention.apply() ? "retention-apply" : "retention-dry-run", env.client()
          .fetchHistory(job.workflowId()).toJson(true));
    }
  }

  private static void write(Path dir, String set, Map<String, String> histories)
      throws java.io.IOException {
    for (Map.Entry<String, String> history : histories.entrySet()) {
      Path file = dir.resolve(history.getKey() + (set.equals("v1") ? "" : "-" + set) + ".json");
      if (Files.exists(file)) {
        System.err.println("kept " + file + " (recorded histories are never overwritten)");
        continue;
      }
      Files.writeString(file, history.getValue());
      System.err.println("wrote " + file);
    }
  }

  private static String restoreHistory(RestoreflowTestEnv env, String jobId) {
    return env.client().fetchHistory(TaskQueues.restoreWorkflowId(jobId)).toJson(true);
  }

  private static String cancelledIn(RestoreflowTestEnv env, String step, String jobId)
      throws Exception {
    FakeHost.Gate gate = env.host("db1").gate(step);
    WorkflowStub job = env.start(jobId, RestoreRequest.of("main1"));
    gate.awaitEntered();
    job.cancel();
    gate.awaitCancelled(java.time.Duration.ofSeconds(10));
    try {
      job.getResult(Object.class);
    } catch (RuntimeException expected) {
      // cancelled
    }
    env.host("db1").onStep(step, input -> { });
    return restoreHistory(env, jobId);
  }
}
