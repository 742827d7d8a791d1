package dev.restoreflow.workflows.activities;

import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.JobEvent;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.ProvenBackup;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.RestoreEstimate;
import dev.restoreflow.workflows.model.ResolvedBackup;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Runs as local activities in the server process, which holds the config, the ledger and a
 * Temporal client.
 */
@ActivityInterface
public interface ServerActivities {

  /** Checks the request against the config and fills in the defaults (host, engine). */
  ResolvedRestore resolveRestore(String jobId, RestoreRequest request);

  /** Checks a backup request against the config and fills in the defaults (host, type). */
  ResolvedBackup resolveBackup(String jobId, BackupRequest request);

  /** Puts the job in its host's queue unless the queue knows it, starting the queue if needed. */
  void requestTurn(String host, QueueEntry entry);

  /** Whether a workflow execution is still open (the queue's guard against lost releases). */
  boolean isWorkflowOpen(String workflowId);

  /**
   * The jobs of {@code host} that are still open, for a host queue that starts fresh: the one
   * holding the host ({@code running}) and the ones waiting for it, oldest first. A second
   * holder, which only a lost queue can have caused, is listed first among the waiting.
   */
  QueueState openJobsOn(String host);

  /**
   * Where the catalog reads: each configured instance (or just {@code instance}) with its own host,
   * in name order. The job id of each is "catalog".
   */
  List<StepInput> catalogTargets(String instance);

  /** Writes a job event to the ledger. */
  void recordJobEvent(JobEvent event);

  /**
   * The RTO estimate of restoring {@code dataBytes} of {@code instance}, from the ledger's past
   * restores and drills (bytes per second of the instance's engine; this instance's first).
   */
  RestoreEstimate estimateRestore(String instance, String engine, long dataBytes);

  /**
   * What the job's running activity has shown of its progress: its type, attempt and last
   * heartbeat details, reduced to a short mark that changes whenever any of them changes; "none"
   * when no activity runs. The stall watchdog compares marks.
   */
  String progressMark(String workflowId);

  /** The instance's backups that drills proved, the latest proof of each. */
  List<ProvenBackup> provenBackups(String instance);
}
