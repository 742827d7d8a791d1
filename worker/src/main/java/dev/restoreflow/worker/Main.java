package dev.restoreflow.worker;

import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.worker.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code restoreflow} command. Its --help and --version are every subcommand's too
 * ({@code scope = INHERIT}): {@code restoreflow restore --help} needs none of restore's options.
 */
@Command(name = "restoreflow", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    version = "restoreflow 0.1.0",
    description = "Durable backup and restore orchestration for PostgreSQL on Temporal.",
    subcommands = {DemoCommand.class, DevCommand.class, ServerCommand.class, WorkerCommand.class,
        RestoreCommand.class, ApproveCommand.class, ScheduleCommand.class, JobsCommand.class, JobCommand.class,
        BackupCommand.class, BackupsCommand.class, RetentionCommand.class, SummaryCommand.class,
        WalPushCommand.class, StatusCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return run(null, args);
  }

  /** @param err where errors are printed; null = standard error */
  static int run(PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    if (err != null) {
      cli.setErr(err);
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("restoreflow: " + explain(e));
      return e instanceof ConfigException || e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cli.execute(args);
  }

  /** What went wrong, in one line; the stack trace goes to the log, not to the user. */
  private static String explain(Exception e) {
    if (e instanceof ConfigException) {
      return "config error: " + e.getMessage();
    }
    if (e instanceof RequestRejectedException rejected) {
      return rejected.type() + ": " + rejected.getMessage();
    }
    String message = e.getMessage();
    return message != null ? message : e.getClass().getSimpleName();
  }
}
