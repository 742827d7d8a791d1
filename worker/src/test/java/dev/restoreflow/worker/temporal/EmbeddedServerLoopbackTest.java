package dev.restoreflow.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedded server answers on 127.0.0.1 and on no other address of this machine. */
class EmbeddedServerLoopbackTest {

  @Test
  void answersOnLoopbackAndRefusesEveryOtherAddress() throws Exception {
    InetAddress external = nonLoopbackAddress();
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0)) {
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
      try {
        assertTrue(stubs.blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).hasCapabilities());
      } finally {
        stubs.shutdownNow();
      }
      try (Socket loopback = new Socket()) {
        loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 2000);
        assertTrue(loopback.isConnected());
      }
      assertThrows(IOException.class, () -> {
        try (Socket outside = new Socket()) {
          outside.connect(new InetSocketAddress(external, server.port()), 2000);
        }
      }, "the embedded server must not listen on " + external.getHostAddress());
    }
  }

  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address;
        }
      }
    }
    assertFalse(true, "this machine has no non-loopback IPv4 address to prove the point with");
    return null;
  }
}
