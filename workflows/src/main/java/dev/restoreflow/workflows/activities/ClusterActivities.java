package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;

/**
 * Cluster control on the instance's host. Each step is idempotent: running it twice is the same
 * as once. Activity types: StopCluster, WipeData, StartCluster, Promote, VerifyCluster.
 */
@ActivityInterface
public interface ClusterActivities {

  /** Stops the cluster; {@code immediate} when its data is about to be replaced. */
  StepResult stopCluster(StepInput input, boolean immediate);

  /** Empties the configured data directory of a stopped cluster; keeps the directory itself. */
  StepResult wipeData(StepInput input);

  /** Starts the cluster and waits until it accepts connections. */
  StepResult startCluster(StepInput input);

  /** Promotes the cluster if it is in recovery and waits until it is not. */
  StepResult promote(StepInput input);

  /** Connects, checks the recovery state and runs the instance's smoke queries. */
  StepResult verifyCluster(StepInput input);
}
