package dev.restoreflow.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.activities.ProbackupActivities;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreResult;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.client.WorkflowFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a history a person can read. The ledger hears one write per step (its end, with its
 * start time) instead of two, and each activity carries a summary the Web UI shows.
 */
class ReadableHistoryTest {

  private RestoreflowTestEnv env;

  @BeforeEach
  void setUp() {
    env = new RestoreflowTestEnv();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /**
   * The job of restore-success-v8 (HistoryRecorder's first: main1 on db1), run again: the same
   * seven activities, half the ledger's local activities (and no marker of the older versions).
   */
  @Test
  void aSevenStepRestoreWritesTheLedgerOncePerStepAndItsHistoryShrinks() throws IOException {
    RestoreResult result = env.run("r1", RestoreRequest.of("main1").withHost("db1"));
    assertEquals(JobState.SUCCEEDED, result.state());
    List<HistoryEvent> now = events(env.client().fetchHistory(
        TaskQueues.restoreWorkflowId("r1")));
    List<HistoryEvent> before = events(recorded("restore-success-v8.json"));

    assertEquals(activities(before), activities(now), "the same steps run");
    assertEquals(7, activities(now).size(), activities(now).toString());
    assertEquals(15, localActivities(before, "RecordJobEvent"));
    long ran = result.steps().stream().filter(s -> s.status() == StepStatus.DONE).count();
    // queued, running, one write per step that ran (the last one with the job's end), and the
    // start of the first step that changes the cluster
    assertEquals(ran + 3, localActivities(now, "RecordJobEvent"), localActivityNames(now));
    assertEquals(1, markers(now) - localActivities(now, null), "one version marker");
    assertEquals(80, before.size());
    // 6 ledger writes and 3 version markers fewer; the rest is the seven activities' own events
    // (scheduled, started, completed and a workflow task each: 42) and the queue's
    assertEquals(before.size() - 6 - 3, now.size(), "events now " + now.size() + ", before "
        + before.size());
  }

  /**
   * The ledger still has each step with its start and end, and the job's end; of the running
   * steps only the first after PlanRestore (the job is changing the cluster from then on).
   */
  @Test
  void theLedgerKeepsEveryStepWithItsTimesAndTheEnd() {
    RestoreResult result = env.run("r2", RestoreRequest.of("main1").withHost("db1"));
    List<JobEvent> events = env.server().events().stream()
        .filter(e -> e.jobId().equals("r2")).toList();
    List<StepProgress> written = events.stream().filter(e -> e.step() != null)
        .map(JobEvent::step).filter(s -> s.status() != StepStatus.RUNNING).toList();
    assertEquals(List.of(Steps.STOP), events.stream().filter(e -> e.step() != null
        && e.step().status() == StepStatus.RUNNING).map(e -> e.step().name()).toList());
    List<String> ran = result.steps().stream().filter(s -> s.status() == StepStatus.DONE)
        .map(StepProgress::name).toList();
    assertEquals(ran, written.stream().map(StepProgress::name).toList(), "each step once");
    // a step's end written as the next starts names the next: the ledger's current step
    List<String> handovers = events.stream().filter(e -> e.runningStep() != null)
        .map(e -> e.step().name() + ">" + e.runningStep()).toList();
    List<String> consecutive = new java.util.ArrayList<>();
    for (int i = 1; i + 1 < ran.size(); i++) {
      consecutive.add(ran.get(i) + ">" + ran.get(i + 1));
    }
    assertEquals(consecutive, handovers);
    assertTrue(written.stream().allMatch(s -> s.status() == StepStatus.DONE
        && s.startedAtMillis() > 0 && s.endedAtMillis() >= s.startedAtMillis()), written
        .toString());
    JobEvent last = events.get(events.size() - 1);
    assertEquals(JobState.SUCCEEDED, last.state());
    assertEquals(Steps.VERIFY, last.step().name(), "the last step goes with the job's end");
    assertEquals(List.of(JobState.QUEUED, JobState.RUNNING), events.stream().limit(2)
        .map(JobEvent::state).toList());
  }

  /** A failed step reaches the ledger with the job's failure. */
  @Test
  void aFailedStepIsWrittenWithTheJobsFailure() {
    env.host("db1").onStep(ProbackupActivities.RESTORE_STEP, input -> {
      throw ApplicationFailure.newNonRetryableFailure("backup damaged", "COMMAND_FAILED");
    });
    try {
      env.run("r3", RestoreRequest.of("main1").withHost("db1"));
    } catch (WorkflowFailedException expected) {
      // the ledger is what is checked
    }
    List<JobEvent> events = env.server().events().stream()
        .filter(e -> e.jobId().equals("r3")).toList();
    JobEvent last = events.get(events.size() - 1);
    assertEquals(JobState.FAILED, last.state());
    assertEquals(ProbackupActivities.RESTORE_STEP, last.step().name());
    assertEquals(StepStatus.FAILED, last.step().status());
    assertTrue(last.error().contains("backup damaged"), last.error());
  }

  /** Every activity and the ledger's local activities say what they do, in human sizes. */
  @Test
  void theScheduledActivitiesCarryTheirSummaries() {
    RestoreResult result = env.run("r4", RestoreRequest.of("main1").withHost("db1"));
    List<HistoryEvent> events = events(env.client().fetchHistory(
        TaskQueues.restoreWorkflowId("r4")));
    Map<String, String> summaries = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .collect(Collectors.toMap(
            e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName(),
            ReadableHistoryTest::summary));
    String size = Sizes.human(result.plan().dataBytes());
    assertEquals("restore backup " + FakeHost.NEWEST_BACKUP + ", " + size
        + " (probackup) into main1 on db1", summaries.get(ProbackupActivities.RESTORE_STEP));
    assertEquals("plan restore of main1 on db1: newest backup", summaries.get(Steps.PLAN));
    assertEquals("stop main1 on db1 (immediately: its data is replaced)",
        summaries.get(Steps.STOP));
    assertEquals("move the data directory of main1 on db1 aside, room for " + size,
        summaries.get(Steps.WIPE));
    assertEquals("verify main1 on db1", summaries.get(Steps.VERIFY));
    assertTrue(summaries.values().stream().allMatch(s -> s != null && !s.isBlank()),
        summaries.toString());
    List<String> ledger = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
            && localActivityType(e).equals("RecordJobEvent"))
        .map(ReadableHistoryTest::summary).toList();
    assertEquals("ledger: restore SUCCEEDED, VerifyCluster DONE", ledger.get(ledger.size() - 1));
    assertEquals("ledger: restore QUEUED", ledger.get(0));
    assertTrue(ledger.contains("ledger: restore RUNNING, StopCluster DONE, WipeData starts"),
        ledger.toString());
  }

  /** A fetch says what it fetches, from where. */
  @Test
  void theFetchNamesItsSource() {
    RestoreResult result = env.run("r5", RestoreRequest.of("lake").withHost("db1"));
    String fetch = events(env.client().fetchHistory(TaskQueues.restoreWorkflowId("r5"))).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName()
                .equals(BaseBackupActivities.FETCH_STEP))
        .map(ReadableHistoryTest::summary).findFirst().orElseThrow();
    assertEquals("fetch backup " + result.plan().backupId() + ", "
        + Sizes.human(result.plan().dataBytes()) + " (basebackup) from s3://backups/lake/"
        + result.plan().backupId() + "/base.tar.zst for lake on db1", fetch);
  }

  /** Backups take the same path: one ledger write per step, summaries. */
  @Test
  void aBackupWritesTheLedgerOncePerStep() throws IOException {
    env.startBackup("b1", BackupRequest.of("main1").withType("FULL")).getResult(Object.class);
    List<HistoryEvent> now = events(env.client().fetchHistory(TaskQueues.backupWorkflowId("b1")));
    List<HistoryEvent> before = events(recorded("backup-full-v7.json"));
    assertEquals(activities(before), activities(now));
    assertEquals(9, localActivities(before, "RecordJobEvent"));
    assertEquals(5, localActivities(now, "RecordJobEvent"), localActivityNames(now));
    assertTrue(now.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .allMatch(e -> summary(e).contains("backup")), "summaries");
  }

  private static List<HistoryEvent> events(WorkflowExecutionHistory history) {
    return history.getHistory().getEventsList();
  }

  private static WorkflowExecutionHistory recorded(String name) throws IOException {
    try (InputStream in = ReadableHistoryTest.class.getResourceAsStream("/histories/" + name)) {
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(),
          StandardCharsets.UTF_8));
    }
  }

  private static List<String> activities(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .toList();
  }

  private static long markers(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED).count();
  }

  /** Local activity markers of one type (null: of any type). */
  private static long localActivities(List<HistoryEvent> events, String type) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .map(ReadableHistoryTest::localActivityType)
        .filter(t -> type == null ? !t.isEmpty() : t.equals(type)).count();
  }

  private static String localActivityNames(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .map(ReadableHistoryTest::localActivityType).toList().toString();
  }

  /** A local activity marker's activity type; "" for other markers (versions). */
  private static String localActivityType(HistoryEvent e) {
    var details = e.getMarkerRecordedEventAttributes().getDetailsMap();
    if (!e.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity")
        || !details.containsKey("type")) {
      return "";
    }
    return decode(details.get("type").getPayloads(0));
  }

  private static String summary(HistoryEvent e) {
    return e.hasUserMetadata() && e.getUserMetadata().hasSummary()
        ? decode(e.getUserMetadata().getSummary()) : null;
  }

  private static String decode(Payload payload) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, String.class,
        String.class);
  }
}
