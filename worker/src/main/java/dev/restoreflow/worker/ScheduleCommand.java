package dev.restoreflow.worker;

import dev.restoreflow.activities.registry.RequestResolver;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.ScheduleTiming;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RetentionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Backups, restores and retention on a timetable: Temporal Schedules where the server has them, a
 * cron workflow on the embedded server (which says so).
 */
@Command(name = "schedule", description = "Schedule backups, restores and retention (e.g. a"
    + " nightly backup, a nightly restore drill, a weekly retention run).",
    subcommands = {ScheduleCommand.Create.class, ScheduleCommand.ListSchedules.class,
        ScheduleCommand.Trigger.class, ScheduleCommand.Delete.class})
final class ScheduleCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(),
        "say what to do: schedule create | list | trigger | delete (--help shows each)");
  }

  /** --cron or --every, exactly one. */
  static final class Timing {
    @Option(names = "--cron", paramLabel = "'M H DoM Mon DoW'",
        description = "5-field cron expression in UTC, e.g. '0 3 * * *'")
    String cron;

    @Option(names = "--every", paramLabel = "INTERVAL",
        description = "fixed interval: 30s, 15m, 6h, 1d (servers with Schedules only)")
    String every;

    ScheduleTiming parse() {
      return cron != null ? ScheduleTiming.cron(cron) : ScheduleTiming.every(every);
    }
  }

  @Command(name = "create", description = "Create a schedule that restores or backs up an"
      + " instance, or applies its retention policy.")
  static final class Create implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--name", required = true, description = "schedule name: a-z 0-9 _ . -")
    String name;

    @Option(names = "--kind", defaultValue = "restore",
        description = "restore (over the instance), drill (a restore into the instance's"
            + " scratch place, proven with amcheck and removed; the instance is not touched),"
            + " backup or retention (deletes what the instance's policy does not keep);"
            + " default: ${DEFAULT-VALUE}")
    String kind;

    @Option(names = "--instance", required = true,
        description = "instance to restore, back up or apply retention to")
    String instance;

    @Option(names = "--backup-id", description = "restore: the backup (default: the newest valid)")
    String backupId;

    @Mixin
    RecoveryTargetOptions target;

    @Option(names = "--type", description = "backup: the engine's backup type (FULL, DELTA,"
        + " PAGE; full); default: the engine's first")
    String type;

    @Mixin
    RetentionCounts counts;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Timing timing;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Override
    public Integer call() throws Exception {
      RestoreflowConfig cfg = config.load();
      RestoreSchedules.checkName(name);
      ScheduleTiming when = timing.parse();
      RequestResolver resolver = new RequestResolver(cfg.inventory());
      checkOptionsOfKind();
      // the request is checked before Temporal is asked, as on every other way in
      return switch (kind) {
        case "backup" -> backupSchedule(cfg, when, resolver);
        case "retention" -> retentionSchedule(cfg, when, resolver);
        default -> restoreSchedule(cfg, when, resolver);
      };
    }

    /** Refuses an unknown kind, and the options of one kind of schedule given to another. */
    private void checkOptionsOfKind() {
      if (!List.of("restore", "drill", "backup", "retention").contains(kind)) {
        throw new IllegalArgumentException("--kind must be restore, drill, backup or retention,"
            + " not '" + kind + "'");
      }
      boolean restores = kind.equals("restore") || kind.equals("drill");
      if (!restores && (backupId != null || target.target() != null)) {
        throw new IllegalArgumentException("--backup-id and --target-* are for restore and drill"
            + " schedules");
      }
      if (!kind.equals("backup") && type != null) {
        throw new IllegalArgumentException("--type is for backup schedules (--kind backup)");
      }
      if (!kind.equals("retention") && counts.given()) {
        throw new IllegalArgumentException(RetentionCounts.FOR_RETENTION);
      }
    }

    private int restoreSchedule(RestoreflowConfig cfg, ScheduleTiming when,
        RequestResolver resolver) throws Exception {
      RestoreRequest request = RestoreRequest.of(instance).withBackupId(backupId)
          .withRecoveryTarget(target.target()).withDrill(kind.equals("drill"));
      resolver.resolveRestore(null, request);
      RestoreRequest resolved = request.withBackupId(
          backupId == null ? null : resolver.backupId(instance, backupId));
      return withSchedules(cfg, schedules -> report(schedules.create(name, when, resolved),
          kind));
    }

    private int backupSchedule(RestoreflowConfig cfg, ScheduleTiming when,
        RequestResolver resolver) throws Exception {
      BackupRequest request = BackupRequest.of(instance).withType(type);
      BackupRequest resolved = request.withType(resolver.resolveBackup(null, request).type());
      return withSchedules(cfg, schedules -> report(schedules.create(name, when, resolved),
          resolved.type() + " backup"));
    }

    private int retentionSchedule(RestoreflowConfig cfg, ScheduleTiming when,
        RequestResolver resolver) throws Exception {
      resolver.resolveBackup(null, BackupRequest.of(instance));
      RetentionRequest request = counts.request(cfg.requireInstance(instance), instance);
      return withSchedules(cfg, schedules -> {
        report(schedules.create(name, when, request), "retention (" + counts.describe() + ")");
        if (!json) {
          System.out.println("each firing deletes what the policy does not keep; `restoreflow"
              + " retention --instance " + instance + " --dry-run` with the same counts shows"
              + " what that is now");
        }
        return 0;
      });
    }

    private int report(RestoreSchedules.Created created, String what) throws Exception {
      PrintStream out = System.out;
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(created));
      } else {
        out.printf("schedule %s: %s of %s %s%n", name, what, instance, created.timing());
        out.println(created.note());
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List the schedules restoreflow made (Temporal Schedules).")
  static final class ListSchedules implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return withSchedules(config.load(), schedules -> {
        List<String> names = schedules.list();
        if (json) {
          System.out.println(new ObjectMapper().writeValueAsString(Map.of("schedules", names)));
        } else if (names.isEmpty()) {
          System.out.println("no schedules (on a server without Schedules, look for the cron"
              + " workflows scheduled-<name>)");
        } else {
          names.forEach(System.out::println);
        }
        return 0;
      });
    }
  }

  @Command(name = "trigger", description = "Fire a schedule now (Temporal Schedules only).")
  static final class Trigger implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--name", required = true)
    String name;

    @Override
    public Integer call() throws Exception {
      return withSchedules(config.load(), schedules -> {
        schedules.trigger(name);
        System.out.println("schedule " + name + " fired");
        return 0;
      });
    }
  }

  @Command(name = "delete", description = "Delete a schedule (or end its cron workflow).")
  static final class Delete implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--name", required = true)
    String name;

    @Override
    public Integer call() throws Exception {
      return withSchedules(config.load(), schedules -> {
        RestoreSchedules.Kind kind = schedules.delete(name);
        System.out.println("schedule " + name + " deleted ("
            + (kind == RestoreSchedules.Kind.TEMPORAL_SCHEDULE ? "Temporal Schedule" : "cron workflow")
            + ")");
        return 0;
      });
    }
  }

  private interface ScheduleAction {
    int run(RestoreSchedules schedules) throws Exception;
  }

  private static int withSchedules(RestoreflowConfig cfg, ScheduleAction action) throws Exception {
    WorkflowServiceStubs service = Temporal.connect(cfg.temporal());
    try {
      return action.run(new RestoreSchedules(Temporal.client(service, cfg.temporal())));
    } finally {
      service.shutdown();
    }
  }
}
