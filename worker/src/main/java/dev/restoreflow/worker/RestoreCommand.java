package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = "Start a restore job (and follow it with --follow).")
final class RestoreCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", required = true, description = "instance to restore")
  String instance;

  @Option(names = "--host", description = "host to restore onto (default: the instance's)")
  String host;

  @Option(names = "--backup-id", description = "backup to restore (default: the newest valid)")
  String backupId;

  @Option(names = "--incremental",
      description = "keep the data directory and rewrite only what differs (no wipe)")
  boolean incremental;

  @Option(names = "--full", description = "wipe the data directory, then restore into it"
      + " (the default except for pgbackrest, whose default is a delta restore)")
  boolean full;

  @Mixin
  RecoveryTargetOptions target;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "pgdump: restore"
      + " only these tables (table or schema.table, comma-separated) into the live database, in"
      + " one transaction; their former versions are kept in a schema restoreflow_before_TIME")
  List<String> tables;

  @Option(names = "--dry-run", description = "only plan: which backup, is there room")
  boolean dryRun;

  @Option(names = "--follow", description = "print the steps as they run and wait for the end")
  boolean follow;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    RequestResolver resolver = new RequestResolver(cfg.inventory());
    RestoreRequest asked = RestoreRequest.of(instance).withHost(host).withBackupId(backupId)
        .withIncremental(incremental).withFull(full).withRecoveryTarget(target.target())
        .withDryRun(dryRun).withTables(tables);
    ResolvedRestore resolved = resolver.resolveRestore(null, asked);
    String onto = resolved.host();
    String id = backupId == null ? null : resolver.backupId(instance, backupId);
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    PrintStream out = System.out;
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      RestoreflowClient restoreflow = new RestoreflowClient(Temporal.client(service, cfg.temporal()));
      RestoreRequest request = asked.withHost(onto).withBackupId(id)
          .withRequestedVia("cli", System.getProperty("user.name"));
      Submission job = restoreflow.submit(request);
      if (json && !follow) {
        out.println(new ObjectMapper().writeValueAsString(job));
        return 0;
      }
      if (!json) {
        out.printf("job %s on host %s: %s (workflow %s)%n", job.jobId(), onto,
            Submissions.position(job), job.workflowId());
      }
      if (!follow) {
        return 0;
      }
      RestoreProgress last = new JobFollower(restoreflow, json ? Submissions.nowhere() : out)
          .follow(job.jobId(), Duration.ofDays(2));
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("submission", job);
        result.put("progress", last);
        out.println(new ObjectMapper().writeValueAsString(result));
      } else {
        out.printf("job %s %s: %s%n", job.jobId(), last.state(),
            last.message() == null ? "" : last.message());
        if (last.state() != JobState.SUCCEEDED && last.state() != JobState.PLANNED) {
          out.printf("data directory: %s%n", last.dataState());
        }
      }
      return last.state() == JobState.SUCCEEDED || last.state() == JobState.PLANNED ? 0 : 1;
    } finally {
      service.shutdown();
    }
  }
}
