package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.RestoreProgress;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", description = "Start a backup job of an instance (and follow it with"
    + " --follow). It waits for its turn in the host's queue: never beside a restore of the host.")
final class BackupCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", required = true, description = "instance to back up")
  String instance;

  @Option(names = "--type", description = "the engine's backup type: FULL, DELTA or PAGE"
      + " (pg_probackup), full (basebackup), incr, diff or full (pgBackRest), auto, full or"
      + " incremental (pgdump: auto decides by the instance's thresholds); default: the"
      + " engine's first")
  String type;

  @Option(names = "--compression", description = "basebackup: gzip, zstd, lz4 or none"
      + " (default: the config's)")
  String compression;

  @Option(names = "--force-full", description = "pgdump: a full backup (the same as --type"
      + " full)")
  boolean forceFull;

  @Option(names = "--name", description = "pgdump: the backup's id, e.g. pre_migration"
      + " (letters, digits, _ - .; unique in the instance's repository)")
  String name;

  @Option(names = "--force", description = "pgdump: replace the backup named by --name (not one"
      + " that other backups build on)")
  boolean force;

  @Option(names = "--dir", description = "pgdump: keep the backup apart, in this sub-directory"
      + " of the instance's repository (its own chain; retention leaves it alone)")
  String dir;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "mysqltables:"
      + " the tables to back up, comma-separated (required by that engine; refused by the"
      + " others)")
  java.util.List<String> tables;

  @Option(names = "--follow", description = "print the steps as they run and wait for the end")
  boolean follow;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    if (forceFull && type != null && !type.equalsIgnoreCase("full")) {
      throw new RequestRejectedException(FailureType.INVALID_REQUEST, "--force-full asks for a"
          + " full backup; drop --type " + type + " or --force-full");
    }
    BackupRequest request = BackupRequest.of(instance).withType(forceFull ? "full" : type)
        .withCompression(compression).withName(name).withDir(dir).withForce(force)
        .withTables(tables).withRequestedVia("cli", System.getProperty("user.name"));
    ResolvedBackup resolved = new RequestResolver(cfg.inventory()).resolveBackup(null, request);
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    PrintStream out = System.out;
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      RestoreflowClient restoreflow = new RestoreflowClient(Temporal.client(service,
          cfg.temporal()));
      Submission job = restoreflow.submitBackup(request);
      if (json && !follow) {
        out.println(new ObjectMapper().writeValueAsString(job));
        return 0;
      }
      if (!json) {
        out.printf("job %s: %s backup of %s%s on host %s: %s (workflow %s)%n", job.jobId(),
            resolved.type(), instance, (name == null ? "" : " named " + name)
                + (dir == null ? "" : " in dir " + dir), resolved.host(),
            Submissions.position(job), job.workflowId());
      }
      if (!follow) {
        return 0;
      }
      RestoreProgress last = new JobFollower(restoreflow, FollowPrinter.of(out, json,
          FollowPrinter.onTerminal())).follow(job.jobId(), Duration.ofDays(2));
      if (json) {
        out.println(FollowPrinter.JsonLines.ended(job, last));
      } else {
        out.printf("job %s %s: %s%n", job.jobId(), last.state(),
            last.message() == null ? "" : last.message());
      }
      return last.state() == JobState.SUCCEEDED ? 0 : 1;
    } finally {
      service.shutdown();
    }
  }
}
