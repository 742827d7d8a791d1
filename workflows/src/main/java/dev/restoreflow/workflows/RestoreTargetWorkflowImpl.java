package dev.restoreflow.workflows;

import dev.restoreflow.workflows.activities.CatalogActivities;
import dev.restoreflow.workflows.activities.ServerActivities;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreTarget;
import dev.restoreflow.workflows.model.StepInput;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

public class RestoreTargetWorkflowImpl implements RestoreTargetWorkflow {

  private final ServerActivities server =
      Workflow.newLocalActivityStub(ServerActivities.class, RestoreWorkflowImpl.SERVER_SIDE);

  @Override
  public RestoreTarget describe(RestoreRequest request) {
    ResolvedRestore resolved;
    try {
      resolved = server.resolveRestore(null, request);
    } catch (ActivityFailure e) {
      throw JobFailures.of(e, null);
    }
    CatalogActivities host = Workflow.newActivityStub(CatalogActivities.class,
        CatalogWorkflowImpl.LISTING.toBuilder()
            .setTaskQueue(TaskQueues.forHostReads(resolved.host())).build());
    try {
      return host.describeTarget(new StepInput(Workflow.getInfo().getWorkflowId(),
          resolved.instance(), resolved.host()));
    } catch (ActivityFailure e) {
      return RestoreTarget.unread(resolved.host(), "instance " + resolved.instance(),
          "could not be read on host " + resolved.host() + ": " + JobFailures.rootMessage(e));
    }
  }
}
