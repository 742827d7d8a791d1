package dev.restoreflow.worker;

import dev.restoreflow.activities.exec.OsUser;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "demo", description = "Set up the sandbox, damage its data, restore the newest backup"
    + " through the workflow, and check the data is back.")
final class DemoCommand implements Callable<Integer> {

  @Mixin
  SandboxOptions options;

  @Override
  public Integer call() throws Exception {
    Path state = options.stateDir("demo");
    PrintStream out = System.out;
    removeEarlierRun(state, options.pgBin);
    Logging.init(state.resolve("Logs"), "WARN");
    out.println("restoreflow demo in " + state);
    try (DevEnvironment env = DevEnvironment.start(state, options.pgBin, options.embedded, out)) {
      out.println("Temporal: " + env.temporalDescription);
      var sandbox = env.sandbox;
      sandbox.sql("update accounts set balance = balance + 1 where id % 10 = 0;"
          + " insert into transfers (from_id, to_id, amount) select g, g + 1, 1 from generate_series(1, 500) g");
      String backupId = sandbox.backup("DELTA");
      Map<String, String> atBackup = sandbox.fingerprint();
      out.println("backups: " + sandbox.backups().stream().map(b -> b.id() + " " + b.backupMode()
          + " " + b.status()).toList() + "; newest " + backupId);
      out.println("data at backup:   " + atBackup);

      sandbox.sql("delete from accounts where id % 3 = 0; drop table transfers;"
          + " create table junk as select g from generate_series(1, 1000) g");
      Map<String, String> damaged = sandbox.fingerprint();
      out.println("data now damaged: " + damaged);

      long started = System.nanoTime();
      Submission job = env.restoreflow.submit(RestoreRequest.of(DevEnvironment.INSTANCE)
          .withHost(DevEnvironment.HOST).withRequestedVia("cli", "demo"));
      out.println("restore job " + job.jobId() + " submitted (queue position "
          + job.queuePosition() + "); steps:");
      RestoreProgress last = new JobFollower(env.restoreflow, new PrintStream(
          java.io.OutputStream.nullOutputStream())).follow(job.jobId(), Duration.ofMinutes(30));
      long wallMillis = (System.nanoTime() - started) / 1_000_000;

      out.println("timeline:");
      for (StepProgress step : last.steps()) {
        out.println(Timeline.line(step));
      }
      long activityMillis = Timeline.activityMillis(last.steps());
      out.printf("restore wall time %.2f s, activities %.2f s, orchestration overhead %.2f s%n",
          wallMillis / 1000.0, activityMillis / 1000.0, (wallMillis - activityMillis) / 1000.0);
      if (last.state() != JobState.SUCCEEDED) {
        out.println("demo FAILED: job " + last.state() + ": " + last.message()
            + "; data directory: " + last.dataState());
        return 1;
      }
      Map<String, String> restored = sandbox.fingerprint();
      out.println("data restored:    " + restored);
      if (!restored.equals(atBackup)) {
        out.println("demo FAILED: the restored data differs from backup " + backupId);
        return 1;
      }
      sandbox.stopCluster();
      out.println("demo: restore of backup " + last.backupId() + " verified: " + restored.size()
          + " tables, row counts and content hashes equal the backup's");
      return 0;
    }
  }

  /** A demo starts from nothing: stop the previous demo's cluster and remove its state. */
  private static void removeEarlierRun(Path state, String pgBin) throws IOException {
    if (!Files.exists(state)) {
      return;
    }
    Path pgRoot = state.resolve("pg");
    if (Files.isDirectory(pgRoot)) {
      try (Stream<Path> dirs = Files.list(pgRoot)) {
        for (Path pgdata : dirs.filter(p -> Files.exists(p.resolve("postmaster.pid"))).toList()) {
          stopQuietly(pgBin, pgdata);
        }
      }
    }
    try (Stream<Path> walk = Files.walk(state)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Runs before logging is set up, so it uses a plain process rather than a CommandRunner. */
  private static void stopQuietly(String pgBin, Path pgdata) throws IOException {
    List<String> argv = new ArrayList<>();
    String owner = Files.getOwner(pgdata).getName();
    if (OsUser.isRoot() && !owner.equals("root")) {
      argv.addAll(List.of("runuser", "-u", owner, "--"));
    }
    argv.addAll(List.of(pgBin + "/pg_ctl", "stop", "-D", pgdata.toString(), "-m", "immediate", "-w"));
    Process stop = new ProcessBuilder(argv).directory(new java.io.File("/"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!stop.waitFor(60, TimeUnit.SECONDS)) {
        stop.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
