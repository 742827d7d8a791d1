package dev.restoreflow.worker.temporal;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Java test server of temporal-test-server, in-process, listening on 127.0.0.1 only.
 *
 * <p>{@code TestServer.createPortBoundServer(port)} binds every interface
 * ({@code Grpc.newServerBuilderForPort}); a server anyone on the network could ask to wipe a
 * database is not acceptable. This does what createPortBoundServer does in SDK 1.38.0 — the
 * test services with time skipping locked (real time), registered with health checks by
 * {@code GRPCServerHelper} — on a gRPC server built for the loopback address.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {

  private final TestServicesStarter services;
  private final Server server;

  private EmbeddedTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /** @param port 0 = a free port */
  public static EmbeddedTemporalServer start(int port) {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      return new EmbeddedTemporalServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw new IllegalStateException("cannot start the embedded Temporal server on 127.0.0.1:"
          + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public String target() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
