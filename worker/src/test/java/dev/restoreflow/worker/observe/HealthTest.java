package dev.restoreflow.worker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import dev.restoreflow.worker.temporal.EmbeddedTemporalServer;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /healthz and /readyz against the in-process Temporal test server, and against an address where
 * nothing answers. Who polls a task queue needs a server that lists pollers, which the test server
 * does not: ObservabilityIT checks a polling and a silent host on the temporal CLI's dev server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthTest {

  @Test
  void liveIsOkAndReadyNamesEveryHostAndSaysThisServerCannotListPollers() throws Exception {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0)) {
      RestoreflowConfig config = config(server.target());
      WorkflowServiceStubs stubs = stubs(server.target());
      // as the server's stubs are (Temporal.connect asks once without a short deadline): the
      // first call on a new channel loads classes, which takes seconds on a busy machine
      stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      try (Health health = new Health(config, stubs)) {
        HealthReport live = health.live();
        assertTrue(live.ok(), live.toString());
        assertEquals(200, live.httpStatus());
        assertEquals("{\"ok\":true,\"checks\":[{\"name\":\"process\",\"ok\":true,\"detail\":\""
            + live.checks().get(0).detail() + "\"}]}",
            new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(live),
            "the JSON /healthz answers with");

        HealthReport ready = health.ready();
        assertFalse(ready.ok(), ready.toString());
        assertEquals(503, ready.httpStatus());
        List<String> names = new java.util.ArrayList<>(List.of("temporal", "workflows"));
        config.hosts().keySet().stream().sorted().forEach(host -> names.add("host " + host));
        assertTrue(names.contains("host S-DB2"), names.toString());
        assertEquals(names, ready.checks().stream().map(HealthReport.Check::name).toList());
        assertTrue(ready.checks().get(0).ok(), ready.toString());
        for (HealthReport.Check check : ready.checks().subList(1, names.size())) {
          assertFalse(check.ok(), check.toString());
          assertTrue(check.detail().startsWith("cannot tell: this Temporal server does not list"
              + " pollers"), check.detail());
        }
      } finally {
        stubs.shutdownNow();
      }
    }
  }

  @Test
  void readyFailsWithinTheDeadlineWhenTemporalDoesNotAnswer() throws Exception {
    String target;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      target = "127.0.0.1:" + closed.getLocalPort();
    }
    WorkflowServiceStubs stubs = stubs(target);
    try (Health health = new Health(config(target), stubs)) {
      long started = System.nanoTime();
      HealthReport ready = health.ready();
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertFalse(ready.ok());
      HealthReport.Check temporal = ready.checks().get(0);
      assertFalse(temporal.ok());
      assertTrue(temporal.detail().contains(target) && temporal.detail().contains("temporal.target"),
          temporal.detail());
      assertTrue(ready.checks().stream().skip(1).allMatch(c -> !c.ok()
          && c.detail().equals("not checked: Temporal does not answer")), ready.toString());
      assertTrue(millis < Health.DEADLINE.toMillis() + 2_000, "took " + millis + " ms");
    } finally {
      stubs.shutdownNow();
    }
  }

  private static RestoreflowConfig config(String target) throws Exception {
    RestoreflowConfig example = MetricsTest.config();
    return new RestoreflowConfig(new TemporalConfig(target, "default"), example.ledger(),
        example.logDir(), example.hosts(), example.instances(), example.lineGateway());
  }

  private static WorkflowServiceStubs stubs(String target) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
  }
}
