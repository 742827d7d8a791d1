package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", description = "Start a restore job. In a terminal: choose the backup"
    + " (without --backup-id), see what it overwrites, confirm by typing the instance's name;"
    + " --yes in scripts.")
final class RestoreCommand implements Callable<Integer> {

  /** Reads for a person waiting (their workflows report hosts without a worker). */
  private static final Duration READ_LIMIT = Duration.ofMinutes(2);

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", required = true, description = "instance to restore")
  String instance;

  @Option(names = "--host", description = "host to restore onto (default: the instance's)")
  String host;

  @Option(names = "--backup-id", description = "backup to restore (default: chosen in the"
      + " terminal; with --yes, the newest valid)")
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

  @Option(names = "--clone", description = "restore into the instance's scratch place"
      + " (instances.N.scratch) instead of over the instance, and keep it running there")
  boolean clone;

  @Option(names = "--into", paramLabel = "DIR", description = "a clone into this data directory"
      + " (under instances.N.scratch.root; default <root>/<instance>-<job>)")
  String intoDirectory;

  @Option(names = "--port", description = "the clone's port (default: scratch.port, else the"
      + " instance's port + 1)")
  Integer intoPort;

  @Option(names = "--into-database", paramLabel = "NAME", description = "pgdump, mysqltables: a"
      + " clone into this database of the instance's server (default <database>_drill)")
  String intoDatabase;

  @Option(names = "--drill", description = "a restore drill: restore into the scratch place,"
      + " start it, prove it (amcheck, row counts), record the RTO, remove it; the instance is"
      + " never touched")
  boolean drill;

  @Option(names = "--require-approval", description = "wait after planning until someone runs"
      + " `restoreflow approve JOB` (instances.N.approval may require it anyway)")
  boolean requireApproval;

  @Option(names = "--dry-run", description = "only plan: which backup, is there room")
  boolean dryRun;

  @Option(names = {"-y", "--yes"}, description = "start without asking (for scripts; needed"
      + " when not in a terminal)")
  boolean yes;

  @Option(names = "--follow", description = "print the steps as they run and wait for the end"
      + " (always, after a confirmation in the terminal)")
  boolean follow;

  @Option(names = {"-q", "--quiet"}, description = "print only errors and a failed job's end")
  boolean quiet;

  @Option(names = "--no-color", description = "no colour (also: the NO_COLOR environment"
      + " variable); there is colour only on a terminal")
  boolean noColor;

  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    RequestResolver resolver = new RequestResolver(cfg.inventory());
    RestoreRequest asked = RestoreRequest.of(instance).withHost(host).withBackupId(backupId)
        .withIncremental(incremental).withFull(full).withRecoveryTarget(target.target())
        .withDryRun(dryRun).withTables(tables).withDrill(drill)
        .withRequireApproval(requireApproval ? Boolean.TRUE : null);
    boolean scratch = clone || drill || intoDirectory != null || intoPort != null
        || intoDatabase != null;
    if (clone || intoDirectory != null || intoPort != null || intoDatabase != null) {
      asked = asked.withInto(new RestoreInto(intoDirectory, intoPort, intoDatabase));
    }
    ResolvedRestore resolved = resolver.resolveRestore(null, asked);
    String id = backupId == null ? null : resolver.backupId(instance, backupId);
    Terminal terminal = null;
    // a clone or drill never touches the instance: nothing to confirm
    if (!yes && !dryRun && !scratch) {
      terminal = Terminal.ofProcess(Style.choose(true, noColor, System.getenv()));
      if (terminal == null) {
        throw new IllegalArgumentException("a restore overwrites instance " + instance + " on"
            + " host " + resolved.host() + " and is confirmed in a terminal; run it in one, or"
            + " add --yes to start it without asking (scripts)");
      }
    }
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      RestoreflowClient restoreflow =
          new RestoreflowClient(Temporal.client(service, cfg.temporal()));
      if (terminal != null) {
        RestoreRequest onto = asked.withHost(resolved.host());
        Optional<String> confirmed = new RestoreConfirmation(terminal).confirm(
            read(() -> restoreflow.catalog(instance, READ_LIMIT).instances().get(0)), id,
            () -> read(() -> restoreflow.target(onto, READ_LIMIT)), resolved.steps());
        if (confirmed.isEmpty()) {
          return 1;
        }
        id = resolver.backupId(instance, confirmed.get());
        follow = true;
      }
      RestoreRequest request = asked.withHost(resolved.host()).withBackupId(id)
          .withRequestedVia("cli", System.getProperty("user.name"));
      return submit(restoreflow, request, terminal == null ? Style.PLAIN : terminal.style());
    } finally {
      service.shutdown();
    }
  }

  /** A read on the host for the person waiting: the catalog, what the restore overwrites. */
  private <T> T read(Read<T> read) {
    try {
      return read.get();
    } catch (TimeoutException e) {
      throw new IllegalStateException("the host did not answer within "
          + READ_LIMIT.toMinutes() + " min; nothing was started. Is its worker running"
          + " (restoreflow status)?");
    }
  }

  @FunctionalInterface
  private interface Read<T> {
    T get() throws TimeoutException;
  }

  private int submit(RestoreflowClient restoreflow, RestoreRequest request, Style style)
      throws Exception {
    PrintStream out = System.out;
    PrintStream chatter = quiet || json ? Submissions.nowhere() : out;
    Submission job = restoreflow.submit(request);
    if (json && !follow) {
      out.println(new ObjectMapper().writeValueAsString(job));
      return 0;
    }
    chatter.printf("job %s on host %s: %s (workflow %s)%n", job.jobId(), request.host(),
        Submissions.position(job), job.workflowId());
    if (!follow) {
      return 0;
    }
    FollowPrinter printer = quiet && !json ? new FollowPrinter.Plain(chatter)
        : FollowPrinter.of(out, json, FollowPrinter.onTerminal());
    RestoreProgress last = new JobFollower(restoreflow, printer).follow(job.jobId(),
        Duration.ofDays(2));
    boolean succeeded = last.state() == JobState.SUCCEEDED || last.state() == JobState.PLANNED;
    if (json) {
      out.println(FollowPrinter.JsonLines.ended(job, last));
    } else if (!succeeded || !quiet) {
      PlanSummary.lines(last.plan()).forEach(out::println);
      String state = succeeded ? style.good(last.state().name()) : style.bad(last.state().name());
      out.printf("job %s %s: %s%n", job.jobId(), state,
          last.message() == null ? "" : last.message());
      if (!succeeded) {
        out.printf("data directory: %s%n", last.dataState());
      }
    }
    return succeeded ? 0 : 1;
  }
}
