package dev.restoreflow.it;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A TLS gRPC endpoint in front of a plaintext Temporal server (the dev server has no TLS): it
 * terminates TLS (the server certificate of {@link TlsFiles}, and with {@code requireClientCert}
 * a client certificate signed by its CA), forwards every call as bytes to the server, and keeps
 * the {@code authorization} header each call came with (what Temporal's authorizer would see).
 */
final class TlsGrpcProxy implements AutoCloseable {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new Bytes();

  private final Server server;
  private final ManagedChannel upstream;
  /** One entry per call: its authorization header, or "" when it had none. */
  private final List<String> authorizations = new CopyOnWriteArrayList<>();

  private TlsGrpcProxy(TlsFiles files, String upstreamTarget, boolean requireClientCert)
      throws IOException {
    upstream = NettyChannelBuilder.forTarget(upstreamTarget).usePlaintext().build();
    ServerCallHandler<byte[], byte[]> forward = this::forward;
    HandlerRegistry any = new HandlerRegistry() {
      @Override
      public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
        return ServerMethodDefinition.create(MethodDescriptor.newBuilder(BYTES, BYTES)
            .setFullMethodName(method).setType(MethodDescriptor.MethodType.UNKNOWN).build(),
            forward);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.forServer(files.serverCert().toFile(),
                files.serverKey().toFile())
            .trustManager(files.ca().toFile())
            .clientAuth(requireClientCert ? ClientAuth.REQUIRE : ClientAuth.NONE)
            .build())
        .fallbackHandlerRegistry(any)
        .build()
        .start();
  }

  static TlsGrpcProxy start(TlsFiles files, String upstreamTarget, boolean requireClientCert)
      throws IOException {
    return new TlsGrpcProxy(files, upstreamTarget, requireClientCert);
  }

  /** The address clients connect to: an IP, so the server name must be given to match the cert. */
  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private ServerCall.Listener<byte[]> forward(ServerCall<byte[], byte[]> serverCall,
      Metadata headers) {
    String authorization = headers.get(AUTHORIZATION);
    authorizations.add(authorization == null ? "" : authorization);
    CallOptions options = CallOptions.DEFAULT;
    if (Context.current().getDeadline() != null) {
      options = options.withDeadline(Context.current().getDeadline());
    }
    ClientCall<byte[], byte[]> clientCall = upstream.newCall(serverCall.getMethodDescriptor(),
        options);
    clientCall.start(new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata replyHeaders) {
        synchronized (serverCall) {
          serverCall.sendHeaders(replyHeaders);
        }
      }

      @Override
      public void onMessage(byte[] message) {
        synchronized (serverCall) {
          serverCall.sendMessage(message);
        }
        synchronized (clientCall) {
          clientCall.request(1);
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        synchronized (serverCall) {
          serverCall.close(status, trailers);
        }
      }
    }, headers);
    synchronized (clientCall) {
      clientCall.request(1);
    }
    synchronized (serverCall) {
      serverCall.request(1);
    }
    return new ServerCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        synchronized (clientCall) {
          clientCall.sendMessage(message);
        }
        synchronized (serverCall) {
          serverCall.request(1);
        }
      }

      @Override
      public void onHalfClose() {
        synchronized (clientCall) {
          clientCall.halfClose();
        }
      }

      @Override
      public void onCancel() {
        synchronized (clientCall) {
          clientCall.cancel("the client cancelled", null);
        }
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
    upstream.shutdownNow();
    upstream.awaitTermination(10, TimeUnit.SECONDS);
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
