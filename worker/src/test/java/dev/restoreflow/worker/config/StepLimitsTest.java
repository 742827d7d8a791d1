package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.DataWiper;
import dev.restoreflow.workflows.RestoreWorkflowImpl;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The commands of a step, at the largest values the config accepts, end within the step's
 * activity timeout: otherwise Temporal gives up on a step that is still working, and runs it
 * again beside itself.
 */
class StepLimitsTest {

  private static final Duration STEP = RestoreWorkflowImpl.STEP_LIMIT;
  private static final Duration MAX = Duration.ofSeconds(ConfigLoader.MAX_COMMAND_SECONDS);
  private static final Duration PG_CTL_MARGIN = Duration.ofSeconds(30);

  @Test
  void stopClusterFastThenImmediateFitsInTheStep() {
    Duration worst = MAX.plus(PG_CTL_MARGIN).multipliedBy(2)
        .plus(ClusterControl.QUICK.multipliedBy(2));
    assertFits("StopCluster", worst);
  }

  @Test
  void startClusterAndPromoteFitInTheStep() {
    // pg_ctl start/promote -t T (limit T + 30 s), then waiting up to T for the server
    Duration worst = MAX.plus(PG_CTL_MARGIN).plus(MAX).plus(ClusterControl.QUICK);
    assertFits("StartCluster / Promote", worst);
  }

  @Test
  void wipeDataFitsInTheStep() {
    assertFits("WipeData", DataWiper.DELETE_LIMIT.plus(ClusterControl.QUICK.multipliedBy(3)));
  }

  @Test
  void verifyClusterWithTheMostSmokeQueriesFitsInTheStep() {
    assertFits("VerifyCluster",
        ClusterControl.QUERY_LIMIT.multipliedBy(ConfigLoader.MAX_SMOKE_QUERIES + 1));
  }

  private static void assertFits(String step, Duration worst) {
    assertTrue(worst.compareTo(STEP) < 0, step + " may run " + worst + ", its activity timeout is "
        + STEP);
  }
}
