package dev.restoreflow.activities.exec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command to run: an argv list (never a shell string), the OS user to run it as (null = the
 * worker's own user), a timeout, optional standard input and extra environment.
 */
public record Command(List<String> argv, String runAs, Duration timeout, String stdin,
    Map<String, String> environment) {

  public Command {
    if (argv == null || argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program");
    }
    argv = List.copyOf(argv);
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    timeout = timeout == null ? Duration.ofMinutes(10) : timeout;
  }

  public static Command of(List<String> argv, String runAs, Duration timeout) {
    return new Command(argv, runAs, timeout, null, Map.of());
  }

  public Command withStdin(String input) {
    return new Command(argv, runAs, timeout, input, environment);
  }

  public String program() {
    return argv.get(0);
  }

  /** The argv for people and logs: each argument quoted when it has spaces. */
  public String display() {
    StringBuilder out = new StringBuilder();
    for (String arg : argv) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(arg.isEmpty() || arg.matches(".*[\\s'\"].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
    }
    return out.toString();
  }
}
