package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.client.RestoreSchedules;
import dev.restoreflow.client.ScheduleTiming;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RetentionReport;
import dev.restoreflow.workflows.model.RetentionRequest;
import dev.restoreflow.workflows.model.RetentionResult;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ScheduledRetentionWorkflow on the time-skipping test server, with the retention job itself
 * faked: each firing of a retention schedule (a cron workflow here: the test server has no
 * Schedules) starts one job {@code retention-<schedule>-<UTC firing time>} that applies the
 * schedule's counts, requested via "schedule" by the schedule.
 */
class ScheduledRetentionWorkflowTest {

  /** Sat 2026-09-05 23:00 UTC: the next Sunday 03:00 is six hours away. */
  private static final Instant SATURDAY_NIGHT = Instant.parse("2026-09-05T23:00:00Z");

  @RegisterExtension
  static final TestWorkflowExtension TEMPORAL = TestWorkflowExtension.newBuilder()
      .setInitialTime(SATURDAY_NIGHT)
      .setDoNotStart(true)
      .build();

  /** The retention jobs the firings started: workflow id -> request. */
  static final Map<String, RetentionRequest> STARTED = new ConcurrentSkipListMap<>();

  @BeforeEach
  void forgetEarlierJobs() {
    STARTED.clear();
  }

  @Test
  void eachFiringOfAWeeklyScheduleAppliesItsCountsAsOneRetentionJobNamedAfterIt(
      TestWorkflowEnvironment env, WorkflowClient client) {
    env.newWorker(TaskQueues.SERVER).registerWorkflowImplementationTypes(
        ScheduledRetentionWorkflowImpl.class, FakeRetention.class);
    env.start();
    RestoreSchedules.Created created = new RestoreSchedules(client).create("weekly",
        ScheduleTiming.cron("0 3 * * 0"), RetentionRequest.dryRun("main1")
            .withCounts(1, null, null, 2));
    assertEquals(RestoreSchedules.Kind.CRON_WORKFLOW, created.kind());

    env.sleep(Duration.ofDays(8));

    assertEquals(List.of("retention-weekly-20260906-030000", "retention-weekly-20260913-030000"),
        List.copyOf(STARTED.keySet()), "two Sundays, two jobs");
    for (RetentionRequest request : STARTED.values()) {
      assertTrue(request.apply(), "a scheduled retention deletes: " + request);
      assertEquals("main1", request.instance());
      assertEquals(1, request.daily());
      assertEquals(null, request.weekly(), "the config's count");
      assertEquals(2, request.full());
      assertEquals("schedule", request.requestedVia());
      assertEquals("weekly", request.requestedBy());
    }
  }

  @Test
  void aFiringRunsTheRetentionJobToItsEndAndReturnsItsResult(TestWorkflowEnvironment env,
      WorkflowClient client) {
    env.newWorker(TaskQueues.SERVER).registerWorkflowImplementationTypes(
        ScheduledRetentionWorkflowImpl.class, FakeRetention.class);
    env.start();
    ScheduledRetentionWorkflow firing = client.newWorkflowStub(ScheduledRetentionWorkflow.class,
        io.temporal.client.WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SERVER)
            .setWorkflowId("firing-by-hand").build());
    RetentionResult result = firing.run(new dev.restoreflow.workflows.model.ScheduledRetention(
        "nightly", RetentionRequest.dryRun("main1")));
    assertTrue(result.jobId().startsWith("nightly-20260905-2300"), result.jobId());
    assertEquals(JobState.SUCCEEDED, result.state());
    assertTrue(result.applied());
  }

  /** Stands in for the retention job: records what it was asked, deletes nothing. */
  public static class FakeRetention implements RetentionWorkflow {
    @Override
    public RetentionResult retention(RetentionRequest request) {
      String workflowId = Workflow.getInfo().getWorkflowId();
      STARTED.put(workflowId, request);
      return new RetentionResult(TaskQueues.jobIdOf(workflowId), request.instance(), "db1",
          JobState.SUCCEEDED, request.apply(), new RetentionReport(request.instance(),
              "probackup", "test", List.of(), List.of()), List.of(), List.of(), "faked");
    }

    @Override
    public void grant() {
    }

    @Override
    public RestoreProgress progress() {
      return null;
    }
  }
}
