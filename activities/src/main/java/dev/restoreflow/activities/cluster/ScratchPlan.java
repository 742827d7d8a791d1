package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.workflows.model.RestoreInto;
import java.time.Duration;
import java.util.List;

/**
 * PlanRestore's part for a clone or drill into a scratch data directory: the directory is absent
 * or empty (a scratch never restores over anything), its port is free on the host, and the room
 * is measured on the scratch root's file system. Reads only.
 */
public final class ScratchPlan {

  private static final Duration QUICK = Duration.ofSeconds(30);

  private ScratchPlan() {}

  /** The directory whose file system a restore into {@code scratch} fills: the scratch root. */
  public static String roomPath(InstanceConfig scratch) {
    return scratch.scratch().root();
  }

  /**
   * @return null when the target is usable, else why not (the plan fails RESTORE_REFUSED with it)
   */
  public static String refusal(CommandRunner runner, InstanceConfig scratch, RestoreInto into) {
    String root = scratch.scratch().root();
    CommandResult rootKind = runner.run(Command.of(ClusterCommands.describePath(root),
        scratch.osUser(), QUICK));
    if (!rootKind.succeeded() || !rootKind.stdout().strip().startsWith("d")) {
      return "the scratch root " + root + " is not a directory on the host: create it, owned by "
          + scratch.osUser() + " (mode 0700), or fix instances.<name>.scratch.root";
    }
    String dir = into.directory();
    CommandResult kind = runner.run(Command.of(ClusterCommands.describePath(dir),
        scratch.osUser(), QUICK));
    if (kind.succeeded() && !kind.stdout().isBlank()) {
      String type = kind.stdout().strip().split("\t", 2)[0];
      if (!type.equals("d")) {
        return "scratch directory " + dir + " exists and is not a directory; remove it or"
            + " choose another directory";
      }
      String entries = runner.runChecked(Command.of(ClusterCommands.listDirectory(dir),
          scratch.osUser(), QUICK)).stdout();
      if (!entries.isBlank()) {
        return "scratch directory " + dir + " is not empty (" + entries.strip().split("\n").length
            + " entries): a clone or drill restores only into an absent or empty directory;"
            + " remove what is there (a drill's RemoveScratch does) or choose another directory";
      }
    }
    CommandResult listening = runner.run(Command.of(List.of("ss", "-H", "-t", "-l", "-n",
        "sport = :" + into.port()), null, QUICK));
    if (listening.succeeded() && !listening.stdout().isBlank()) {
      return "port " + into.port() + " is in use on the host: the scratch cluster needs a free"
          + " port; set instances.<name>.scratch.port or ask for another";
    }
    return null;
  }
}
