package dev.restoreflow.activities.container;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** A runner that answers each argv from a script (pure logic tests) and records what ran. */
final class ScriptedRunner implements CommandRunner {

  final List<List<String>> ran = new ArrayList<>();
  private final Function<List<String>, CommandResult> script;

  ScriptedRunner(Function<List<String>, CommandResult> script) {
    this.script = script;
  }

  static CommandResult ok(String stdout) {
    return new CommandResult(0, stdout, "", 1);
  }

  static CommandResult exit(int code, String stderr) {
    return new CommandResult(code, "", stderr, 1);
  }

  /** What a runner says when the program does not exist. */
  static CommandResult missing() {
    return null;
  }

  @Override
  public CommandResult run(Command command, OutputListener listener, BooleanSupplier stop) {
    ran.add(command.argv());
    CommandResult result = script.apply(command.argv());
    if (result == null) {
      throw new CommandFailedException(command, "could not start: no such program", null);
    }
    return result;
  }

  @Override
  public String where() {
    return "db7";
  }
}
