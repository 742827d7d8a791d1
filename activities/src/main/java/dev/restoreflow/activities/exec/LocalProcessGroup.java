package dev.restoreflow.activities.exec;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.exec.ProcessDestroyer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process group of one local command. The command runs under {@code setsid}, so it leads a
 * group of its own (its pid is the group id) that its children join; ending the group ends them
 * all, where Commons Exec would kill only the command's own process and leave its children
 * holding the output pipes. Commons Exec hands the started process over as to any
 * {@link ProcessDestroyer}; while the command runs, a shutdown hook ends its group when the
 * worker exits (in a group of its own, the command no longer gets the terminal's Ctrl-C).
 */
final class LocalProcessGroup implements ProcessDestroyer {

  private static final Logger log = LoggerFactory.getLogger("restoreflow.command");

  private final CountDownLatch started = new CountDownLatch(1);
  private final Thread shutdownHook = new Thread(this::endOnExit, "end-command-on-exit");
  private volatile Process leader;

  @Override
  public boolean add(Process process) {
    leader = process;
    started.countDown();
    try {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the worker is exiting already; nobody is left to end the group on exit
    }
    return true;
  }

  @Override
  public boolean remove(Process process) {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    return true;
  }

  @Override
  public int size() {
    return leader == null ? 0 : 1;
  }

  /**
   * Ends every process of the group (SIGTERM, then SIGKILL after a grace period) and waits for
   * that; returns how it went, for the log.
   */
  String end() throws InterruptedException {
    if (!started.await(5, TimeUnit.SECONDS)) {
      return "not started";
    }
    long pgid = leader.pid();
    ProcessBuilder kill = new ProcessBuilder(ProcessGroupKill.argv(pgid))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    kill.environment().clear();
    kill.environment().put("PATH", CommandEnvironment.PATH);
    try {
      Process killer = kill.start();
      if (!killer.waitFor(ProcessGroupKill.GRACE.toSeconds() + 10, TimeUnit.SECONDS)) {
        killer.destroyForcibly();
        return "process group " + pgid + ": the kill did not finish";
      }
      return "process group " + pgid + " " + ProcessGroupKill.outcome(killer.exitValue());
    } catch (IOException e) {
      return "process group " + pgid + " could not be ended: " + e.getMessage();
    }
  }

  private void endOnExit() {
    try {
      log.info("worker exiting: {}", end());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
