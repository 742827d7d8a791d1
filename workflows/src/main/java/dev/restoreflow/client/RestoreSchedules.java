package dev.restoreflow.client;

import dev.restoreflow.workflows.ScheduledBackupWorkflow;
import dev.restoreflow.workflows.ScheduledRestoreWorkflow;
import dev.restoreflow.workflows.ScheduledRetentionWorkflow;
import dev.restoreflow.workflows.TaskQueues;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.ScheduledBackup;
import dev.restoreflow.workflows.model.ScheduledRestore;
import dev.restoreflow.workflows.model.ScheduledRetention;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Restores, backups and retention on a timetable (e.g. a nightly backup, a nightly restore drill,
 * a weekly retention run). On a server with Temporal Schedules each schedule is one
 * ({@code restoreflow-<name>}); on a server without them (the embedded test server answers
 * UNIMPLEMENTED) it is a cron workflow {@code scheduled-<name>}, which only knows 5-field cron.
 * Either way each firing runs {@link ScheduledRestoreWorkflow}, {@link ScheduledBackupWorkflow}
 * or {@link ScheduledRetentionWorkflow}.
 */
public final class RestoreSchedules {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

  /** How a schedule was made. */
  public enum Kind { TEMPORAL_SCHEDULE, CRON_WORKFLOW }

  /** @param note what the user should know (e.g. that the server had no Schedules) */
  public record Created(String name, String id, Kind kind, String timing, String note) {}

  private final WorkflowClient client;

  public RestoreSchedules(WorkflowClient client) {
    this.client = client;
  }

  public static String scheduleId(String name) {
    return "restoreflow-" + name;
  }

  public static String cronWorkflowId(String name) {
    return "scheduled-" + name;
  }

  /** @throws IllegalArgumentException for a bad name, or an interval on a server without Schedules */
  public Created create(String name, ScheduleTiming timing, RestoreRequest request) {
    checkName(name);
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new IllegalArgumentException("a scheduled restore needs an instance");
    }
    return create(name, timing, ScheduledRestoreWorkflow.class, new ScheduledRestore(name, request));
  }

  /** A schedule of backup jobs; the same rules as for restores. */
  public Created create(String name, ScheduleTiming timing, BackupRequest request) {
    checkName(name);
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new IllegalArgumentException("a scheduled backup needs an instance");
    }
    return create(name, timing, ScheduledBackupWorkflow.class, new ScheduledBackup(name, request));
  }

  /**
   * A schedule of retention jobs of the instance's policy (the request's counts replacing the
   * config's); each firing applies it, whatever the request's {@code apply} says.
   */
  public Created create(String name, ScheduleTiming timing, RetentionRequest request) {
    checkName(name);
    if (request == null || request.instance() == null || request.instance().isBlank()) {
      throw new IllegalArgumentException("a scheduled retention needs an instance");
    }
    return create(name, timing, ScheduledRetentionWorkflow.class,
        new ScheduledRetention(name, request.applying()));
  }

  private Created create(String name, ScheduleTiming timing, Class<?> firingType, Object firing) {
    try {
      schedules().createSchedule(scheduleId(name), schedule(name, timing, firingType, firing),
          ScheduleOptions.newBuilder().build());
      return new Created(name, scheduleId(name), Kind.TEMPORAL_SCHEDULE, timing.describe(),
          "Temporal Schedule " + scheduleId(name) + "; see it in the Web UI under Schedules");
    } catch (ScheduleAlreadyRunningException e) {
      throw new IllegalArgumentException("a schedule named '" + name + "' exists; delete it first"
          + " (restoreflow schedule delete --name " + name + ")");
    } catch (RuntimeException e) {
      if (!isUnimplemented(e)) {
        throw e;
      }
    }
    return createCronWorkflow(name, timing, firingType, firing);
  }

  private Created createCronWorkflow(String name, ScheduleTiming timing, Class<?> firingType,
      Object firing) {
    if (timing.cron() == null) {
      throw new IllegalArgumentException("this Temporal server has no Schedules (the embedded test"
          + " server), and its cron workflows take only 5-field cron expressions: use --cron"
          + " instead of --every, or run against the temporal CLI's dev server");
    }
    WorkflowStub workflow = client.newUntypedWorkflowStub(firingType.getSimpleName(),
        WorkflowOptions.newBuilder()
            .setWorkflowId(cronWorkflowId(name))
            .setTaskQueue(TaskQueues.SERVER)
            .setCronSchedule(timing.cron())
            .build());
    try {
      workflow.start(firing);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new IllegalArgumentException("a schedule named '" + name + "' exists; delete it first"
          + " (restoreflow schedule delete --name " + name + ")");
    }
    return new Created(name, cronWorkflowId(name), Kind.CRON_WORKFLOW, timing.describe(),
        "this Temporal server has no Schedules (the embedded test server): made the cron workflow "
            + cronWorkflowId(name) + " instead; it lives as long as this server");
  }

  /** Fires the schedule now (Temporal Schedules only). */
  public void trigger(String name) {
    checkName(name);
    schedules().getHandle(scheduleId(name)).trigger(
        ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
  }

  /** Deletes the schedule, or ends the cron workflow standing in for it. */
  public Kind delete(String name) {
    checkName(name);
    try {
      schedules().getHandle(scheduleId(name)).delete();
      return Kind.TEMPORAL_SCHEDULE;
    } catch (RuntimeException e) {
      if (!isUnimplemented(e) && !isNotFound(e)) {
        throw e;
      }
    }
    try {
      client.newUntypedWorkflowStub(cronWorkflowId(name)).terminate("schedule deleted");
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        throw new IllegalArgumentException("no schedule named '" + name + "'");
      }
      throw e;
    }
    return Kind.CRON_WORKFLOW;
  }

  /** The Temporal Schedules restoreflow made; empty on a server without Schedules. */
  public List<String> list() {
    try {
      return schedules().listSchedules().map(s -> s.getScheduleId())
          .filter(id -> id.startsWith("restoreflow-"))
          .map(id -> id.substring("restoreflow-".length()))
          .sorted()
          .toList();
    } catch (RuntimeException e) {
      if (isUnimplemented(e)) {
        return List.of();
      }
      throw e;
    }
  }

  private ScheduleClient schedules() {
    return ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build());
  }

  private static Schedule schedule(String name, ScheduleTiming timing, Class<?> firingType,
      Object firing) {
    ScheduleSpec.Builder spec = ScheduleSpec.newBuilder();
    if (timing.cron() != null) {
      spec.setCronExpressions(List.of(timing.cron()));
    } else {
      spec.setIntervals(List.of(new ScheduleIntervalSpec(timing.every())));
    }
    return Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(firingType.getSimpleName())
            .setArguments(firing)
            .setOptions(WorkflowOptions.newBuilder()
                // the server appends the firing time to this id
                .setWorkflowId(cronWorkflowId(name))
                .setTaskQueue(TaskQueues.SERVER)
                .build())
            .build())
        .setSpec(spec.build())
        // a drill still running when the next one is due: skip the next one
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP).build())
        .build();
  }

  /** @throws IllegalArgumentException unless the name is 1-63 of a-z 0-9 _ . - */
  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("schedule name '" + name + "' must be 1-63 of a-z 0-9 _ . -"
          + " starting with a letter or digit");
    }
  }

  private static boolean isUnimplemented(Throwable e) {
    return hasStatus(e, Status.Code.UNIMPLEMENTED);
  }

  private static boolean isNotFound(Throwable e) {
    return hasStatus(e, Status.Code.NOT_FOUND)
        || e instanceof io.temporal.client.WorkflowNotFoundException;
  }

  private static boolean hasStatus(Throwable e, Status.Code code) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && s.getStatus().getCode() == code) {
        return true;
      }
    }
    return false;
  }
}
