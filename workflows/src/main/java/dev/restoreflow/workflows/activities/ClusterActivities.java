package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;

/**
 * Cluster control on the instance's host. Each step is idempotent: running it twice is the same
 * as once. Activity types: StopCluster, WipeData, StartCluster, Promote, VerifyCluster,
 * DiscardOldData, and for clones and drills ProveRestore and RemoveScratch.
 */
@ActivityInterface
public interface ClusterActivities {

  /** Stops the cluster; {@code immediate} when its data is about to be replaced. */
  StepResult stopCluster(StepInput input, boolean immediate);

  /**
   * Empties the configured data directory of a stopped cluster; keeps the directory itself. When
   * {@code restoreBytes} is given (what the restore will write; jobs from before it existed
   * leave it null) and the data directory's file system has room for the restore beside the old
   * data, the old entries are moved aside (renamed into a sibling directory of the job) instead
   * of deleted, for {@link #discardOldData} to delete once the restore has succeeded.
   */
  StepResult wipeData(StepInput input, Long restoreBytes);

  /**
   * Deletes the old data WipeData moved aside for this job, after the restore has succeeded;
   * nothing when there is none.
   */
  StepResult discardOldData(StepInput input);

  /** Starts the cluster and waits until it accepts connections. */
  StepResult startCluster(StepInput input);

  /** Promotes the cluster if it is in recovery and waits until it is not. */
  StepResult promote(StepInput input);

  /** Connects, checks the recovery state and runs the instance's smoke queries. */
  StepResult verifyCluster(StepInput input);

  /**
   * A drill's proof that the restored scratch target is sound: amcheck on every B-tree index of
   * every database (CHECK TABLE on MariaDB), and per-table row counts against the figures the
   * engine recorded at backup time, where it has them. Fails VERIFY_FAILED, not retried, when
   * the target is damaged. Only on a scratch target ({@code input.step().into()} set).
   */
  StepResult proveRestore(EngineRestoreInput input);

  /**
   * Stops the scratch cluster (immediately) and deletes its directory, or drops the scratch
   * database; nothing when it is already gone. Only on a scratch target: refused otherwise.
   */
  StepResult removeScratch(StepInput input);
}
