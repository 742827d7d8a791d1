package dev.restoreflow.activities.host;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.SshConnectException;
import dev.restoreflow.workflows.FailureType;
import java.time.Duration;
import java.util.List;

/** Checks that a tool runs where a step needs it, before the step relies on it. */
public final class HostTools {

  private static final Duration QUICK = Duration.ofSeconds(60);

  private HostTools() {}

  /**
   * Runs {@code argv} (a version command); TOOL_MISSING naming the config key to fix when it does
   * not run, the SSH failure's own type when the host cannot be reached.
   */
  public static void require(CommandRunner runner, InstanceConfig instance, List<String> argv,
      String name, String key) {
    try {
      runner.runChecked(Command.of(argv, instance.osUser(), QUICK));
    } catch (SshConnectException e) {
      throw Failures.ofCommand("checking " + name, e);
    } catch (CommandFailedException e) {
      throw Failures.of(FailureType.TOOL_MISSING, name + " does not run on " + runner.where()
          + " (" + argv.get(0) + ": " + e.getMessage() + "); install it or set " + key);
    }
  }

  /** pg_ctl of the instance, which every restore and backup needs. */
  public static void requirePgCtl(HostStep step) {
    require(step.runner(), step.instance(), List.of(step.instance().pgTool("pg_ctl"), "--version"),
        "pg_ctl", "instances." + step.instanceName() + ".pgBin");
  }
}
