package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.host.HostTools;
import dev.restoreflow.workflows.FailureType;
import java.time.Duration;
import java.util.List;

/**
 * The instance's stanza, through pgBackRest on the instance's host (its runner: local or SSH),
 * run as the cluster's OS user.
 */
final class Stanza {

  static final Duration QUICK = Duration.ofMinutes(5);
  /** check waits for a WAL segment to be archived (archive-timeout, 60 s by default). */
  static final Duration CHECK_LIMIT = Duration.ofMinutes(15);

  private final HostStep step;

  Stanza(HostStep step) {
    this.step = step;
  }

  CommandRunner runner() {
    return step.runner();
  }

  void requireTool() {
    HostTools.require(runner(), step.instance(),
        PgBackRestCommands.version(step.instance().settings(PgBackRestConfig.class)), "pgbackrest",
        "instances." + step.instanceName() + ".pgbackrest.binary");
  }

  /** What {@code info --output=json} says of the stanza. */
  StanzaInfo info() {
    CommandResult result = run(PgBackRestCommands.info(step.instance()
        .settings(PgBackRestConfig.class)), QUICK);
    if (!result.succeeded()) {
      throw PgBackRestFailures.of("pgbackrest info", result);
    }
    try {
      return StanzaInfo.parse(result.stdout(), step.instance().settings(PgBackRestConfig.class)
          .stanza());
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, e.getMessage());
    }
  }

  /**
   * Creates the stanza when it is not there (pgBackRest's stanza-create is idempotent: an
   * existing, valid stanza is left as it is) and checks that the cluster's WAL reaches it.
   */
  String ensure() {
    CommandResult created = run(PgBackRestCommands.stanzaCreate(step.instance()), QUICK);
    if (!created.succeeded()) {
      throw PgBackRestFailures.of("pgbackrest stanza-create", created);
    }
    CommandResult checked = run(PgBackRestCommands.check(step.instance()), CHECK_LIMIT);
    if (!checked.succeeded()) {
      throw PgBackRestFailures.of("pgbackrest check", checked);
    }
    return created.stdout().contains("already exists") ? "stanza checked"
        : "stanza created and checked";
  }

  CommandResult run(List<String> argv, Duration limit) {
    return runner().run(Command.of(argv, step.instance().osUser(), limit));
  }
}
