package dev.restoreflow.activities.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A command that spawns children (a shell with two sleeps, one in the background), each
 * process carrying a unique marker in its command line so a test can find them all.
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

  static void assertAllEnd(String marker, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!running(marker).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), running(marker).stream().map(p -> p.pid() + " "
        + p.info().commandLine().orElse("")).toList(), "processes left running");
  }

  /** Cleans up after a failed test: only the processes with this test's marker. */
  static void killLeftovers(String marker) {
    running(marker).forEach(ProcessHandle::destroyForcibly);
  }
}
