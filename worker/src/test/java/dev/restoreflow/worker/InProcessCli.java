package dev.restoreflow.worker;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code restoreflow ...} in the test's JVM (as {@code Main.main} would, minus the exit). */
public final class InProcessCli {

  /** The exit code, and what the command printed to standard error. */
  public record Result(int exitCode, String err) {}

  private InProcessCli() {}

  public static Result run(String... args) {
    StringWriter err = new StringWriter();
    int exit;
    try (PrintWriter writer = new PrintWriter(err, true)) {
      exit = Main.run(writer, args);
    }
    return new Result(exit, err.toString());
  }
}
