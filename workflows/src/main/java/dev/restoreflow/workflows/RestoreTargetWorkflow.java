package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreTarget;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * What a restore would overwrite (the data directory or database, its size, its open sessions),
 * read on the host the restore would go to, for a person about to confirm it. Reads only; not a
 * job, so it does not wait for the host's turn.
 */
@WorkflowInterface
public interface RestoreTargetWorkflow {

  @WorkflowMethod
  RestoreTarget describe(RestoreRequest request);
}
