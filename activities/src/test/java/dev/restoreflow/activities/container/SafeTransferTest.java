package dev.restoreflow.activities.container;

import static dev.restoreflow.activities.container.ScriptedRunner.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks of a transfer on an ssh host (host side measured through the runner): the IT runs
 * the same on the worker's machine with real files.
 */
class SafeTransferTest {

  static final String INSIDE_SHA = "a".repeat(64);
  static final String SHORT_SHA = "b".repeat(64);

  /** A pod whose copies arrive with {@code arrivedBytes} of 2097152 bytes. */
  static ScriptedRunner host(long arrivedBytes, String arrivedSha) {
    return new ScriptedRunner(argv -> answer(argv, arrivedBytes, arrivedSha));
  }

  private static CommandResult answer(List<String> argv, long arrivedBytes, String arrivedSha) {
    boolean inside = argv.get(0).equals("kubectl");
    String last = argv.get(argv.size() - 1);
    if (argv.contains("stat")) {
      return ok((inside ? 2097152 : arrivedBytes) + "\n");
    }
    if (argv.contains("sha256sum")) {
      return ok((inside ? INSIDE_SHA : arrivedSha) + "  " + last + "\n");
    }
    return ok("");
  }

  static SafeTransfer transfer(ScriptedRunner runner) {
    return new SafeTransfer(ContainerAccess.of(runner, ContainerCommandsTest.POD_CURRENT_CONTEXT),
        null);
  }

  @Test
  void aCopyCutShortIsNotUsed() {
    ScriptedRunner runner = host(1048576, SHORT_SHA);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> transfer(runner)
        .writeAndCopyOut(path -> List.of("pg_dump", "-Fc", "-f", path, "shop"), "/srv/rf/shop.dump",
            Duration.ofMinutes(1)));
    assertEquals(FailureType.STORAGE_FAILED.name(), e.getType());
    assertTrue(e.getOriginalMessage().startsWith("dump cut short in transit: 1048576 of 2097152"
        + " bytes arrived at /srv/rf/shop.dump (copied out of pod default/postgres-0 container"
        + " postgres (postgres:16) on host db7, and the copy exited 0: streams out of containers"
        + " can end early, kubernetes #124571); the backup is not used"), e.getOriginalMessage());
    assertTrue(runner.ran.contains(List.of("rm", "-f", "/srv/rf/shop.dump")),
        "the damaged host copy is deleted: " + runner.ran);
    List<String> removeInside = runner.ran.get(runner.ran.size() - 1);
    assertTrue(removeInside.containsAll(List.of("--", "rm", "-f")), removeInside.toString());
  }

  @Test
  void aCopyOfTheRightSizeButOtherBytesIsNotUsedEither() {
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> transfer(
        host(2097152, SHORT_SHA)).writeAndCopyOut(path -> List.of("pg_dump", "-f", path),
            "/srv/rf/shop.dump", Duration.ofMinutes(1)));
    assertTrue(e.getOriginalMessage().startsWith("dump changed in transit: 2097152 bytes arrived"
        + " for 2097152 sent, SHA-256 " + SHORT_SHA + " instead of " + INSIDE_SHA),
        e.getOriginalMessage());
  }

  @Test
  void aCopyThatFailsLeavesNoPartOnTheHost() {
    ScriptedRunner runner = new ScriptedRunner(argv -> argv.contains("cp")
        ? ScriptedRunner.exit(1, "error: unexpected EOF") : answer(argv, 0, SHORT_SHA));
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> transfer(runner)
        .writeAndCopyOut(path -> List.of("pg_dump", "-f", path), "/srv/rf/shop.dump",
            Duration.ofMinutes(1)));
    assertEquals(FailureType.COMMAND_FAILED.name(), e.getType());
    assertTrue(e.getOriginalMessage().contains("unexpected EOF"), e.getOriginalMessage());
    assertTrue(runner.ran.contains(List.of("rm", "-f", "/srv/rf/shop.dump")),
        runner.ran.toString());
  }

  @Test
  void aWholeCopyIsMeasuredOnBothSidesAndTheScratchFileRemoved() {
    ScriptedRunner runner = host(2097152, INSIDE_SHA);
    SafeTransfer.Transferred t = transfer(runner).writeAndCopyOut(
        path -> List.of("pg_dump", "-Fc", "-f", path, "shop"), "/srv/rf/shop.dump",
        Duration.ofMinutes(1));
    assertEquals(new SafeTransfer.Transferred("/srv/rf/shop.dump", 2097152, INSIDE_SHA), t);
    List<String> dump = runner.ran.get(0);
    String scratch = dump.get(dump.size() - 2);
    assertTrue(scratch.matches("/tmp/restoreflow-[0-9a-f]{8}-shop\\.dump"), scratch);
    assertEquals(List.of("kubectl", "cp", "default/postgres-0:" + scratch, "/srv/rf/shop.dump",
        "-c", "postgres"), runner.ran.get(3));
    assertEquals(List.of("kubectl", "exec", "-i", "-n", "default", "-c", "postgres", "postgres-0",
        "--", "rm", "-f", scratch), runner.ran.get(runner.ran.size() - 1));
  }
}
