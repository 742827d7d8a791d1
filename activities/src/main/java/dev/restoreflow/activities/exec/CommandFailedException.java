package dev.restoreflow.activities.exec;

/** A command that exited non-zero or could not start; carries the stderr tail. */
public class CommandFailedException extends RuntimeException {

  private final transient Command command;
  private final int exitCode;
  private final String stderrTail;

  public CommandFailedException(Command command, CommandResult result) {
    super(command.program() + " exited with " + result.exitCode() + tail(result.stderrTail()));
    this.command = command;
    this.exitCode = result.exitCode();
    this.stderrTail = result.stderrTail();
  }

  public CommandFailedException(Command command, String message, Throwable cause) {
    super(command.program() + ": " + message, cause);
    this.command = command;
    this.exitCode = -1;
    this.stderrTail = "";
  }

  public Command command() {
    return command;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderrTail() {
    return stderrTail;
  }

  private static String tail(String stderr) {
    return stderr == null || stderr.isBlank() ? "" : ": " + stderr.strip();
  }
}
