package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.Catalog;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Lists the backups of one instance (or of every instance, for null) by asking each instance's
 * host worker to read its engine's repository. Reads only; not a job, so it does not wait for the
 * host's turn.
 */
@WorkflowInterface
public interface CatalogWorkflow {

  @WorkflowMethod
  Catalog list(String instance);
}
