package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.exec.Command;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A command that spawns children (a shell with two sleeps, one in the background), each
 * process carrying a unique marker in its command line so a test can find them all on this
 * machine — which is also the "database host" of the SSH tests.
 */
final class ChildProcesses {

  private ChildProcesses() {}

  /** A sleep length no other process uses, e.g. {@code 300.482913377}: the marker. */
  static String marker() {
    return "300." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
  }

  static Command spawner(String marker, String runAs, Duration timeout) {
    return Command.of(List.of("sh", "-c", "sleep \"$1\" & sleep \"$1\"; wait", "sh", marker),
        runAs, timeout);
  }

  static List<ProcessHandle> running(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .toList();
  }

  /** Waits until the marked processes have started (so a stop cannot come before them). */
  static void awaitStarted(String marker, int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (running(marker).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  static void assertAllEnd(String marker, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!running(marker).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), running(marker).stream().map(p -> p.pid() + " "
        + p.info().user().orElse("?") + " " + p.info().commandLine().orElse("")).toList(),
        "processes left running");
  }

  /** Cleans up after a failed test: only the processes with this test's marker. */
  static void killLeftovers(String marker) {
    running(marker).forEach(ProcessHandle::destroyForcibly);
  }
}
