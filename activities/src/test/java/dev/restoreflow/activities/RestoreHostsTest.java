package dev.restoreflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An instance is restored only onto the hosts it declares: the workflow's resolver refuses any
 * other configured host, and so does the host worker for every step (defense in depth).
 */
class RestoreHostsTest {

  private static final InstanceConfig MAIN1 = new InstanceConfig("probackup", "db1",
      "/var/lib/postgresql/15/main", null, null, 5432, "postgres", "/usr/lib/postgresql/15/bin",
      "/var/lib/postgresql/15/main1-server.log", "127.0.0.1", "postgres", "postgres",
      List.of("select 1"), false, true, 60, 300, null, null);

  private static Inventory config(InstanceConfig main1) {
    HostConfig local = new HostConfig(HostConfig.LOCAL);
    return new Inventory(Map.of("db1", local, "db2", local, "db3", local),
        Map.of("main1", main1));
  }

  @Test
  void theResolverRefusesAHostTheInstanceDoesNotDeclare() {
    dev.restoreflow.activities.server.ServerActivitiesImpl server =
        new dev.restoreflow.activities.server.ServerActivitiesImpl(config(MAIN1), null, null);
    ApplicationFailure refused = assertThrows(ApplicationFailure.class,
        () -> server.resolveRestore("j1", RestoreRequest.of("main1").withHost("db2")));
    assertEquals(FailureType.HOST_NOT_ALLOWED.name(), refused.getType());
    assertTrue(refused.isNonRetryable());
    assertTrue(refused.getOriginalMessage().startsWith(
        "instance 'main1' may not be restored onto host 'db2'"), refused.getOriginalMessage());
    assertEquals("db1", server.resolveRestore("j2", RestoreRequest.of("main1")).host());
  }

  @Test
  void theResolverTakesADeclaredHostAndTheInstancesOwn() {
    dev.restoreflow.activities.server.ServerActivitiesImpl server =
        new dev.restoreflow.activities.server.ServerActivitiesImpl(
        config(MAIN1.withRestoreHosts(List.of("db2"))), null, null);
    ResolvedRestore onDb2 = server.resolveRestore("j1", RestoreRequest.of("main1").withHost("db2"));
    assertEquals("db2", onDb2.host());
    assertEquals("db1", server.resolveRestore("j2", RestoreRequest.of("main1").withHost("db1"))
        .host());
    assertThrows(ApplicationFailure.class,
        () -> server.resolveRestore("j3", RestoreRequest.of("main1").withHost("db3")));
  }

  @Test
  void theHostWorkerRefusesAStepOnAHostTheInstanceDoesNotDeclare() {
    List<String> runnersAsked = new ArrayList<>();
    HostRunners runners = new HostRunners() {
      @Override
      public CommandRunner forHost(String host) {
        runnersAsked.add(host);
        return null;
      }

      @Override
      public CommandRunner worker() {
        return null;
      }
    };
    ApplicationFailure refused = assertThrows(ApplicationFailure.class,
        () -> HostStep.open(new HostServices(config(MAIN1), runners),
            new StepInput("j1", "main1", "db2")));
    assertEquals(FailureType.HOST_NOT_ALLOWED.name(), refused.getType());
    assertEquals(List.of(), runnersAsked, "nothing was run on db2");
    try (HostStep onOwnHost = HostStep.open(new HostServices(config(MAIN1), runners),
        new StepInput("j2", "main1", "db1"))) {
      assertEquals(MAIN1, onOwnHost.instance());
    }
    assertEquals(List.of("db1"), runnersAsked);
  }
}
