package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import io.temporal.activity.ActivityInterface;

/** The basebackup engine's restore step, on the host's task queue. */
@ActivityInterface
public interface BaseBackupActivities {

  /** The step's name: the activity type the Temporal UI shows. */
  String FETCH_STEP = "FetchS3";


  /**
   * FetchS3: streams the backup's tarballs into the data directory, then the archived WAL the
   * recovery needs into pg_wal, and writes the recovery settings. Heartbeats its restart point;
   * a retry goes on from there.
   */
  StepResult fetchS3(EngineRestoreInput input);
}
