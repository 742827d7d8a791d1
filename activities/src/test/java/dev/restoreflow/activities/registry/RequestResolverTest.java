package dev.restoreflow.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.activities.probackup.ProbackupEngine;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestoreRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The resolver's WipeData decision per engine: pgBackRest restores with --delta into the kept
 * directory unless a full restore is asked for; the others restore in full unless incremental is
 * asked for; incremental and full together are refused on every engine.
 */
class RequestResolverTest {

  private final RequestResolver resolver = new RequestResolver(new Inventory(
      Map.of("db1", new HostConfig(HostConfig.LOCAL)),
      Map.of("pgbr1", instance(PgBackRestEngine.NAME), "pgp1", instance(ProbackupEngine.NAME),
          "bb1", instance(BaseBackupEngine.NAME))));

  private static InstanceConfig instance(String engine) {
    return new InstanceConfig(engine, "db1", "/var/lib/postgresql/15/main", null, null, 5432,
        "postgres", "/usr/lib/postgresql/15/bin", "/var/lib/postgresql/15/server.log",
        "127.0.0.1", "postgres", "postgres", List.of("select 1"), false, true, 60, 300, null,
        null);
  }

  private PlannedStep wipe(RestoreRequest request) {
    return resolver.resolveRestore("j1", request).steps().get(2);
  }

  @Test
  void aDefaultPgBackRestRestoreIsADeltaThatKeepsTheDataDirectory() {
    assertEquals(PlannedStep.skip(Steps.WIPE, Steps.DELTA_KEEPS_DATA),
        wipe(RestoreRequest.of("pgbr1")));
    assertEquals(PlannedStep.skip(Steps.WIPE, Steps.DELTA_KEEPS_DATA),
        wipe(RestoreRequest.of("pgbr1").withIncremental(true)), "the seed's restore/delta");
    assertEquals(PlannedStep.run(Steps.WIPE), wipe(RestoreRequest.of("pgbr1").withFull(true)));
  }

  @Test
  void probackupAndBasebackupRestoreInFullByDefaultAndWhenAsked() {
    for (String instance : List.of("pgp1", "bb1")) {
      assertEquals(PlannedStep.run(Steps.WIPE), wipe(RestoreRequest.of(instance)), instance);
      assertEquals(PlannedStep.run(Steps.WIPE), wipe(RestoreRequest.of(instance).withFull(true)),
          instance);
    }
    for (String instance : List.of("pgp1", "bb1")) {
      assertEquals(PlannedStep.skip(Steps.WIPE, Steps.KEEPS_DATA),
          wipe(RestoreRequest.of(instance).withIncremental(true)), "a delta keeps the data: "
              + instance);
    }
  }

  @Test
  void incrementalAndFullTogetherAreRefusedOnEveryEngine() {
    for (String instance : List.of("pgbr1", "pgp1", "bb1")) {
      RequestRejectedException both = assertThrows(RequestRejectedException.class,
          () -> resolver.resolveRestore("j1",
              RestoreRequest.of(instance).withIncremental(true).withFull(true)));
      assertEquals(FailureType.INVALID_REQUEST, both.type(), instance);
      assertEquals("a restore is either incremental (keeps the data directory) or full (wipes"
          + " it first), not both: drop incremental or full", both.getMessage(), instance);
    }
  }

  @Test
  void planRestoreOnTheHostRefusesThePairToo() {
    RequestRejectedException both = assertThrows(RequestRejectedException.class,
        () -> RequestResolver.checkRestoreOptions(Engines.standard().named(PgBackRestEngine.NAME),
            "pgbr1", null, null, true, true));
    assertEquals(FailureType.INVALID_REQUEST, both.type());
  }
}
