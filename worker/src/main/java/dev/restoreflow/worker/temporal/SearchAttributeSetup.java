package dev.restoreflow.worker.temporal;

import dev.restoreflow.workflows.JobSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers restoreflow's search attributes (DbInstance, DbHost, Engine, JobId, RequestedVia, all
 * Keyword) in the namespace, adding only the missing ones. Jobs set them on themselves; a server
 * without them would fail every job's workflow task.
 */
public final class SearchAttributeSetup {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeSetup.class);

  private SearchAttributeSetup() {}

  /** @return the attributes this call added */
  public static Set<String> ensure(WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubsOptions.Builder options = OperatorServiceStubsOptions.newBuilder()
        .setChannel(service.getRawChannel());
    if (service.getOptions().getGrpcMetadataProviders() != null) {
      // the raw channel has the TLS, not the API key: that is a metadata provider of the stubs
      options.setGrpcMetadataProviders(service.getOptions().getGrpcMetadataProviders());
    }
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        options.validateAndBuildWithDefaults());
    try {
      Set<String> missing = new TreeSet<>();
      JobSearchAttributes.ALL.forEach(key -> missing.add(key.getName()));
      missing.removeAll(existing(operator, namespace));
      if (missing.isEmpty()) {
        return missing;
      }
      AddSearchAttributesRequest.Builder add = AddSearchAttributesRequest.newBuilder()
          .setNamespace(namespace);
      missing.forEach(name -> add.putSearchAttributes(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      try {
        operator.blockingStub().withDeadlineAfter(30, TimeUnit.SECONDS).addSearchAttributes(add.build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw new IllegalStateException("cannot register the search attributes " + missing
              + " in namespace " + namespace + ": " + e.getStatus()
              + "; register them as Keyword with `temporal operator search-attribute create`", e);
        }
      }
      log.info("registered search attributes {} in namespace {}", missing, namespace);
      return missing;
    } finally {
      operator.shutdownNow();
    }
  }

  /** The custom attributes the namespace has; the embedded test server cannot list them. */
  private static Set<String> existing(OperatorServiceStubs operator, String namespace) {
    try {
      return operator.blockingStub().withDeadlineAfter(30, TimeUnit.SECONDS)
          .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(namespace)
              .build())
          .getCustomAttributesMap().keySet();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Set.of();
      }
      throw e;
    }
  }
}
