package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.client.HostQueues;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.InProcessCli;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.gateway.LineGateway;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad requests through every way in — the line gateway (over TCP), the CLI and the Java client
 * (whose job is refused by the server's resolve step) — get the same failure type and the same
 * message, and start nothing: no host queue, no host activity, and no workflow at all from the
 * gateway or the CLI. No host worker and no cluster exist here: a request that got as far as a
 * host would wait for one, and the checks below would see it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadRequestsIT {

  private static final Logger log = LoggerFactory.getLogger(BadRequestsIT.class);

  /**
   * What a job that got past its resolve step records: a host step (an activity), a child, a
   * signal to its host queue, a wait. The resolve step itself is a local activity (a marker).
   */
  private static final Set<EventType> STARTS_SOMETHING = Set.of(
      EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
      EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
      EventType.EVENT_TYPE_TIMER_STARTED);

  private Path dir;
  private Path configFile;
  private ItTemporal temporal;
  private LineGateway gateway;
  private final List<String> table = new ArrayList<>();

  /**
   * One kind of bad request: a restore or a backup, the failure type every way in must answer
   * with, and a piece of the message that shows it was refused for the intended reason.
   */
  record Row(String kind, FailureType type, String says, RestoreRequest restore,
      BackupRequest backup) {

    static Row restore(String kind, FailureType type, String says, RestoreRequest request) {
      return new Row(kind, type, says, request, null);
    }

    static Row backup(String kind, FailureType type, String says, BackupRequest request) {
      return new Row(kind, type, says, null, request);
    }

    /** The request as a line of the nc protocol; null where the protocol cannot say it. */
    String line() {
      if (restore == null || restore.recoveryTarget() != null) {
        return null;
      }
      StringBuilder line = new StringBuilder("db_instance=" + restore.instance());
      if (restore.host() != null) {
        line.append(", db_host=").append(restore.host());
      }
      if (restore.backupId() != null) {
        line.append(", backup_id=").append(restore.backupId());
      }
      if (restore.incremental()) {
        line.append(", incremental");
      }
      if (Boolean.TRUE.equals(restore.full())) {
        line.append(", full");
      }
      return line.toString();
    }

    /** The request as {@code restoreflow restore ...} or {@code restoreflow backup ...}. */
    String[] cli(Path configFile) {
      List<String> argv = new ArrayList<>();
      if (restore != null) {
        argv.addAll(List.of("restore", "--config", configFile.toString(), "--instance",
            restore.instance()));
        option(argv, "--host", restore.host());
        option(argv, "--backup-id", restore.backupId());
        if (restore.incremental()) {
          argv.add("--incremental");
        }
        if (Boolean.TRUE.equals(restore.full())) {
          argv.add("--full");
        }
        RecoveryTarget target = restore.recoveryTarget();
        if (target != null) {
          option(argv, "--target-time", target.time());
          option(argv, "--target-lsn", target.lsn());
          option(argv, "--target-xid", target.xid());
          option(argv, "--target-name", target.name());
        }
      } else {
        argv.addAll(List.of("backup", "--config", configFile.toString(), "--instance",
            backup.instance()));
        option(argv, "--type", backup.type());
        option(argv, "--compression", backup.compression());
      }
      return argv.toArray(String[]::new);
    }

    void submit(RestoreflowClient client) {
      if (restore != null) {
        client.submit(restore);
      } else {
        client.submitBackup(backup);
      }
    }

    private static void option(List<String> argv, String name, String value) {
      if (value != null) {
        argv.add(name);
        argv.add(value);
      }
    }

    @Override
    public String toString() {
      return kind;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        Row.restore("unknown instance", FailureType.UNKNOWN_INSTANCE,
            "instance 'nosuch' is not configured", RestoreRequest.of("nosuch")),
        Row.restore("unknown host", FailureType.UNKNOWN_HOST,
            "host 'nohost' is not configured", RestoreRequest.of("pb1").withHost("nohost")),
        Row.restore("a host the instance does not declare", FailureType.HOST_NOT_ALLOWED,
            "may not be restored onto host 'bbhost'", RestoreRequest.of("pb1").withHost("bbhost")),
        Row.restore("malformed backup id", FailureType.BAD_BACKUP_ID,
            "'SSCOA' is not a pg_probackup backup id", RestoreRequest.of("pb1").withBackupId("SSCOA")),
        Row.restore("a basebackup id on a pg_probackup instance", FailureType.BAD_BACKUP_ID,
            "'20261123T091500Z' is not a pg_probackup backup id",
            RestoreRequest.of("pb1").withBackupId("20261123T091500Z")),
        Row.restore("a pg_probackup id on a basebackup instance", FailureType.BAD_BACKUP_ID,
            "backup id 'SSCOAD' is not of the form 20261123T091500Z",
            RestoreRequest.of("bb1").withBackupId("SSCOAD")),
        Row.restore("incremental and full at once", FailureType.INVALID_REQUEST,
            "either incremental (keeps the data directory) or full",
            RestoreRequest.of("bb1").withIncremental(true).withFull(true)),
        Row.restore("two recovery targets", FailureType.BAD_RECOVERY_TARGET,
            "give one recovery target", RestoreRequest.of("pb1").withRecoveryTarget(
                new RecoveryTarget("2026-11-23 09:15:00+00", "0/3000060", null, null))),
        Row.restore("a target time without a zone", FailureType.BAD_RECOVERY_TARGET,
            "is not a time with a zone", RestoreRequest.of("bb1").withRecoveryTarget(
                new RecoveryTarget("2026-11-23 09:15:00", null, null, null))),
        Row.restore("a bad target LSN", FailureType.BAD_RECOVERY_TARGET,
            "'3000060' is not an LSN", RestoreRequest.of("pb1").withRecoveryTarget(
                new RecoveryTarget(null, "3000060", null, null))),
        Row.restore("a target xid that is not a number", FailureType.BAD_RECOVERY_TARGET,
            "'12a' is not a number", RestoreRequest.of("bb1").withRecoveryTarget(
                new RecoveryTarget(null, null, "12a", null))),
        Row.restore("a restore point name with a quote", FailureType.BAD_RECOVERY_TARGET,
            "must be 1-63 of letters", RestoreRequest.of("pb1").withRecoveryTarget(
                new RecoveryTarget(null, null, null, "drill'; select 1"))),
        Row.backup("backup of an unknown instance", FailureType.UNKNOWN_INSTANCE,
            "instance 'nosuch' is not configured", BackupRequest.of("nosuch")),
        Row.backup("an unknown backup type", FailureType.INVALID_REQUEST,
            "backup type 'HUGE' is not one of FULL", BackupRequest.of("pb1").withType("HUGE")),
        Row.backup("a compression on a pg_probackup backup", FailureType.NOT_SUPPORTED,
            "is not chosen per backup by engine probackup",
            BackupRequest.of("pb1").withCompression("zstd")),
        Row.backup("an unknown compression on a basebackup backup", FailureType.INVALID_REQUEST,
            "compression 'brotli' is not one of gzip",
            BackupRequest.of("bb1").withCompression("brotli")));
  }

  @BeforeAll
  void setUp() throws Exception {
    dir = Files.createTempDirectory("restoreflow-badreq");
    ItServer server = ItTemporal.startServer();
    // Nothing here exists but the repository directory: a request must be refused before
    // anything would look at a cluster, a catalog or a repository.
    Files.createDirectories(dir.resolve("repo"));
    configFile = Files.writeString(dir.resolve("config.json"), """
        {"temporal": {"target": "%s"},
         "ledger": "%s/ledger.db", "logDir": "%s/Logs",
         "hosts": {"pbhost": {"kind": "local"}, "bbhost": {"kind": "local"}},
         "instances": {
           "pb1": {"host": "pbhost", "pgdata": "%s/pb1/data",
                   "probackup": {"catalog": "%s/catalog"}},
           "bb1": {"engine": "basebackup", "host": "bbhost", "pgdata": "%s/bb1/data",
                   "basebackup": {"repository": "file://%s/repo"}}},
         "lineGateway": {"enabled": true, "bind": "127.0.0.1", "port": 0}}
        """.formatted(server.target(), dir, dir, dir, dir, dir, dir));
    RestoreflowConfig config = ConfigLoader.load(configFile);
    temporal = ItTemporal.start(server, config, List.of());
    gateway = LineGateway.forConfig(config, temporal.restoreflow, temporal.ledger);
  }

  @AfterAll
  void tearDown() throws Exception {
    log.info("bad requests: row, gateway, cli, client\n{}", String.join("\n", table));
    if (gateway != null) {
      gateway.close();
    }
    if (temporal != null) {
      temporal.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** What one way in answered: a failure type and a message. */
  record Answer(String way, String type, String message) {

    /** {@code <prefix>TYPE<separator>message}: a gateway reply or the CLI's error line. */
    static Answer parse(String way, String text, String prefix, String separator) {
      assertTrue(text != null && text.startsWith(prefix), way + ": expected '" + prefix + "...': "
          + text);
      String rest = text.substring(prefix.length());
      int end = rest.indexOf(separator);
      assertTrue(end > 0, way + ": no failure type in: " + text);
      return new Answer(way, rest.substring(0, end), rest.substring(end + separator.length()));
    }

    @Override
    public String toString() {
      return way + ": " + type + " " + message;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theSameMistakeGetsTheSameAnswerOnEveryWayInAndStartsNothing(Row row) throws Exception {
    Set<String> before = workflowIds();
    List<Answer> answers = new ArrayList<>();

    String line = row.line();
    if (line != null) {
      try (LineClient nc = new LineClient(gateway.port())) {
        answers.add(Answer.parse("gateway", nc.ask(line), "ERROR ", " "));
      }
      assertEquals(before, workflowIds(), "the gateway started a workflow for: " + line);
    }

    String[] argv = row.cli(configFile);
    InProcessCli.Result cli = InProcessCli.run(argv);
    assertEquals(2, cli.exitCode(), "restoreflow " + String.join(" ", argv) + ": " + cli.err());
    assertEquals(1, cli.err().lines().count(), "one line: " + cli.err());
    answers.add(Answer.parse("cli", cli.err().strip(), "restoreflow: ", ": "));
    assertEquals(before, workflowIds(), "the CLI started a workflow: " + cli.err());

    RequestRejectedException refused = assertThrows(RequestRejectedException.class,
        () -> row.submit(temporal.restoreflow));
    answers.add(new Answer("client", refused.type().name(), refused.getMessage()));
    assertTheJobStartedNothing(before, row);

    String all = row + ":\n" + answers.stream().map(Answer::toString)
        .collect(Collectors.joining("\n"));
    for (Answer answer : answers) {
      assertEquals(row.type().name(), answer.type(), all);
      assertTrue(answer.message().contains(row.says()), all + "\nshould say: " + row.says());
      assertEquals(answers.get(0).message(), answer.message(), "the same text everywhere: " + all);
    }
    table.add(String.format("%-48s %-19s %-19s %s", row.kind(),
        line == null ? "N/A" : answers.get(0).type(), answers.get(answers.size() - 2).type(),
        refused.type()));
  }

  /**
   * The client started the job's workflow (that is how it asks the server's resolver); it ended
   * at its resolve step: no host activity scheduled, no child, no signal to a host queue, and no
   * host queue exists.
   */
  private void assertTheJobStartedNothing(Set<String> before, Row row) {
    Set<String> started = workflowIds();
    started.removeAll(before);
    assertEquals(1, started.size(), "only the job itself: " + started);
    String job = started.iterator().next();
    assertTrue(job.startsWith(row.restore() != null ? "restore-" : "backup-"), job);
    List<HistoryEvent> events = temporal.client.fetchHistory(job).getHistory().getEventsList();
    events.forEach(event -> assertTrue(!STARTS_SOMETHING.contains(event.getEventType()),
        job + " " + event.getEventType() + ": " + event));
    assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        events.get(events.size() - 1).getEventType(), job + " ended refused");
    assertTrue(workflowIds().stream()
        .noneMatch(id -> id.startsWith(TaskQueues.hostQueueWorkflowId(""))),
        "no host queue was started: " + workflowIds());
    for (String host : List.of("pbhost", "bbhost", "nohost")) {
      assertThrows(WorkflowNotFoundException.class, () -> HostQueues.state(temporal.client, host),
          "host " + host + " has no queue");
    }
  }

  /** Every workflow the server has, open or closed. */
  private Set<String> workflowIds() {
    return WorkflowIds.of(temporal);
  }
}
