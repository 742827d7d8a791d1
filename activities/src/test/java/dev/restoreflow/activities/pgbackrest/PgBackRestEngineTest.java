package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.PlannedStep;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every way in (CLI, gateways, schedules, Temporal UI) checks against the engine. */
class PgBackRestEngineTest {

  private final PgBackRestEngine engine =
      (PgBackRestEngine) Engines.standard().named(PgBackRestEngine.NAME);

  @Test
  void backupsAreIncrByDefaultAndOnlyPgBackRestsTypesAreTaken() {
    assertEquals("incr", RequestResolver.backupType("main", engine, null));
    assertEquals("diff", RequestResolver.backupType("main", engine, "DIFF"));
    RequestRejectedException delta = assertThrows(RequestRejectedException.class,
        () -> RequestResolver.backupType("main", engine, "DELTA"));
    assertEquals(FailureType.INVALID_REQUEST, delta.type());
    assertTrue(delta.getMessage().contains("is not one of incr, diff, full"), delta.getMessage());
  }

  @Test
  void aDeltaRestoreSkipsWipeDataByDefaultAndAFullOneRunsItOnlyWhenAsked() {
    List<PlannedStep> delta = List.of(PlannedStep.run(Steps.PLAN), PlannedStep.run(Steps.STOP),
        PlannedStep.skip(Steps.WIPE, Steps.DELTA_KEEPS_DATA),
        PlannedStep.run(PgBackRestActivities.RESTORE_STEP), PlannedStep.run(Steps.START),
        PlannedStep.run(Steps.PROMOTE), PlannedStep.run(Steps.VERIFY));
    assertEquals(delta, engine.restoreSteps(false, false));
    assertEquals(delta, engine.restoreSteps(true, false));
    assertEquals(PlannedStep.run(Steps.WIPE), engine.restoreSteps(false, true).get(2));
  }

  @Test
  void requestsWithAProbackupIdOrABadTargetAreRefusedBeforeAnythingRuns() {
    RequestRejectedException badId = assertThrows(RequestRejectedException.class,
        () -> RequestResolver.checkRestoreOptions(engine, "main", "SCUN1Q", null, true, false));
    assertEquals(FailureType.BAD_BACKUP_ID, badId.type());
    RequestResolver.checkRestoreOptions(engine, "main", "20261129-163035F_20261129-163150I",
        null, true, false);
  }
}
