package dev.restoreflow.worker.gateway;

import dev.restoreflow.worker.config.LineGatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP line gateway of seed 000: one request per line, one reply line per request, several
 * lines per connection; {@code echo "db_instance=main1" | nc HOST 5000} gets its reply before
 * the server closes after the client's end of input. Bad input gets an {@code ERROR} and never
 * ends the gateway; a line that is not the protocol at all also ends its connection.
 */
public final class LineGateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LineGateway.class);
  private static final Duration DRAIN = Duration.ofSeconds(1);
  private static final int DRAIN_BYTES = 64 * 1024;

  private final LineGatewayConfig config;
  private final LineService service;
  private final ClientAllowlist allowlist;
  private final ServerSocket server;
  private final ExecutorService connections;
  private final AtomicInteger open = new AtomicInteger();
  private final Thread acceptor;

  private LineGateway(LineGatewayConfig config, LineService service, ServerSocket server) {
    this.config = config;
    this.service = service;
    this.allowlist = new ClientAllowlist(config.allow());
    this.server = server;
    this.connections = Executors.newFixedThreadPool(config.maxConnections(), r -> {
      Thread thread = new Thread(r, "line-gateway-connection");
      thread.setDaemon(true);
      return thread;
    });
    this.acceptor = new Thread(this::acceptLoop, "line-gateway-accept");
    acceptor.setDaemon(true);
  }

  public static LineGateway start(LineGatewayConfig config, LineService service) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByName(config.bind()), config.port()), 128);
    LineGateway gateway = new LineGateway(config, service, socket);
    gateway.acceptor.start();
    log.info("line gateway listening on {}:{}", config.bind(), gateway.port());
    return gateway;
  }

  /**
   * The gateway of {@code config}, its token read from the environment variable the config
   * names; null when the config switches it off.
   */
  public static LineGateway forConfig(dev.restoreflow.worker.config.RestoreflowConfig config,
      dev.restoreflow.client.RestoreflowClient restoreflow,
      dev.restoreflow.activities.ledger.JobLedger ledger) throws IOException {
    LineGatewayConfig line = config.lineGateway();
    if (!Boolean.TRUE.equals(line.enabled())) {
      return null;
    }
    SharedToken token = SharedToken.fromEnvironment("lineGateway.tokenEnv", line.tokenEnv(),
        System::getenv);
    return start(line, LineService.withToken(config, restoreflow, ledger, token));
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.warn("line gateway: accept failed: {}", e.getMessage());
        }
        continue;
      }
      String client = socket.getInetAddress().getHostAddress();
      if (!allowlist.allows(socket.getInetAddress())) {
        refuse(socket, new GatewayError(GatewayError.NOT_ALLOWED,
            "client " + client + " is not allowed (lineGateway.allow)"));
        continue;
      }
      if (open.incrementAndGet() > config.maxConnections()) {
        open.decrementAndGet();
        refuse(socket, new GatewayError(GatewayError.TOO_MANY_CONNECTIONS,
            "more than " + config.maxConnections() + " connections; try again shortly"));
        continue;
      }
      connections.execute(() -> {
        try {
          serve(socket, client + ":" + socket.getPort());
        } finally {
          open.decrementAndGet();
        }
      });
    }
  }

  private void serve(Socket socket, String client) {
    Duration idle = Duration.ofSeconds(config.idleTimeoutSeconds());
    Duration linger = Duration.ofSeconds(config.lingerSeconds());
    try (socket) {
      LineReader reader = new LineReader(socket.getInputStream(), config.maxLineBytes(),
          socket::setSoTimeout, System::nanoTime);
      OutputStream out = socket.getOutputStream();
      boolean answered = false;
      while (true) {
        LineReader.RawLine line;
        try {
          // the first line may take idleTimeoutSeconds from the connection's start; each later
          // one must begin within lingerSeconds of the last reply and end within idleTimeoutSeconds
          line = reader.next(answered ? linger : idle, idle);
        } catch (LineReader.LineTimeout late) {
          if (late.lineStarted() || !answered) {
            write(out, new GatewayError(GatewayError.IDLE_TIMEOUT, (late.lineStarted()
                ? "a request line must arrive whole within " : "no request for ")
                + config.idleTimeoutSeconds() + " s; closing").reply());
            finish(socket);
          }
          return;
        }
        if (line == null) {
          return;
        }
        LineReply reply = line.tooLong()
            ? LineReply.error(new GatewayError(GatewayError.TOO_LONG, "a line may have at most "
                + config.maxLineBytes() + " bytes; closing"))
            : answer(line.bytes(), client);
        write(out, reply.text());
        if (reply.closesConnection()) {
          finish(socket);
          return;
        }
        answered = true;
      }
    } catch (SocketException gone) {
      log.debug("line gateway: {} went away: {}", client, gone.getMessage());
    } catch (IOException e) {
      log.warn("line gateway: connection from {} failed: {}", client, e.getMessage());
    }
  }

  private LineReply answer(byte[] line, String client) {
    try {
      return service.answer(line, client);
    } catch (RuntimeException e) {
      log.error("line gateway: request from {} failed", client, e);
      return LineReply.error(new GatewayError(GatewayError.INTERNAL, "the request failed inside"
          + " restoreflow (" + e.getClass().getSimpleName() + "); see the server log"));
    }
  }

  /**
   * Ends a connection the client may still be sending on: closing with unread input would reset
   * it and could destroy the reply in flight, so send our end first, then read and drop what
   * still comes for a moment (never more than {@link #DRAIN_BYTES}).
   */
  private static void finish(Socket socket) {
    try {
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] sink = new byte[LineReader.BLOCK_BYTES];
      long until = System.nanoTime() + DRAIN.toNanos();
      int drained = 0;
      while (drained < DRAIN_BYTES) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        int n = in.read(sink);
        if (n < 0) {
          return;
        }
        drained += n;
      }
    } catch (IOException done) {
      // the client is gone or silent: close now
    }
  }

  private static void refuse(Socket socket, GatewayError error) {
    try (socket) {
      log.info("line gateway: refused {}: {}", socket.getInetAddress().getHostAddress(), error.code());
      write(socket.getOutputStream(), error.reply());
    } catch (IOException ignored) {
      // the client is gone already
    }
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    connections.shutdownNow();
  }
}
