package dev.restoreflow.it;

import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** The ids of every workflow the test's Temporal server has, open or closed. */
final class WorkflowIds {

  private WorkflowIds() {}

  static Set<String> of(ItTemporal temporal) {
    return of(temporal.service, temporal.client.getOptions().getNamespace());
  }

  static Set<String> of(io.temporal.serviceclient.WorkflowServiceStubs service, String namespace) {
    var stub = service.blockingStub();
    Set<String> ids = new HashSet<>();
    Consumer<WorkflowExecutionInfo> add = info -> ids.add(info.getExecution().getWorkflowId());
    stub.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
        .setNamespace(namespace).setMaximumPageSize(1000).build()).getExecutionsList().forEach(add);
    stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
        .setNamespace(namespace).setMaximumPageSize(1000).build()).getExecutionsList().forEach(add);
    return ids;
  }
}
