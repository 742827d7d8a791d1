package dev.restoreflow.worker.nats;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.NatsConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.service.Group;
import io.nats.service.Service;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 002's NATS service inside restoreflow: the subjects {@code <prefix>.listbackups|
 * makebackup|archive|restore|status}, registered with the NATS services framework (discovery on
 * {@code $SRV.PING|INFO|STATS}, per-endpoint stats). Its endpoints share the framework's queue
 * group, so several restoreflow servers on the same subjects answer each request once. The
 * connection is made in the background and retried forever: a NATS server that is down or
 * restarts never stops restoreflow.
 */
public final class NatsGateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NatsGateway.class);
  private static final String VERSION = "1.0.0";
  private static final int THREADS = 16;
  private static final int WAITING = 4096;

  private final NatsConfig config;
  private final NatsBackupService service;
  private final ThreadPoolExecutor handlers;
  private final CountDownLatch serving = new CountDownLatch(1);
  private volatile Connection connection;
  private volatile Service natsService;
  private volatile boolean closed;

  private NatsGateway(NatsConfig config, NatsBackupService service) {
    this.config = config;
    this.service = service;
    this.handlers = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(WAITING), r -> {
          Thread thread = new Thread(r, "nats-gateway-request");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** The gateway the config asks for, connecting in the background; null when it asks for none. */
  public static NatsGateway forConfig(RestoreflowConfig config, RestoreflowClient restoreflow,
      JobLedger ledger) {
    NatsConfig nats = config.nats();
    if (nats == null) {
      return null;
    }
    Duration timeout = Duration.ofSeconds(nats.requestTimeoutSeconds());
    NatsBackupService service = new NatsBackupService(nats.instance(),
        new RequestResolver(config.inventory()), restoreflow, ledger,
        () -> archives(restoreflow, nats.instance(), timeout),
        () -> tables(restoreflow, nats.instance(), timeout), Clock.systemUTC());
    return start(nats, service, System::getenv);
  }

  static NatsGateway start(NatsConfig nats, NatsBackupService service,
      Function<String, String> env) {
    NatsGateway gateway = new NatsGateway(nats, service);
    io.nats.client.Options options = NatsOptions.of(nats, env, gateway.connectionListener(),
        gateway.errorListener());
    try {
      Nats.connectAsynchronously(options, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the NATS gateway", e);
    }
    log.info("nats gateway: connecting to {} for instance {} on {}.* (service {})", nats.url(),
        nats.instance(), nats.subjectPrefix(), nats.serviceName());
    return gateway;
  }

  /** Whether the service is registered on the NATS server within {@code wait}. */
  public boolean awaitServing(Duration wait) throws InterruptedException {
    return serving.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  public String url() {
    return config.url();
  }

  public String subjectPrefix() {
    return config.subjectPrefix();
  }

  private ConnectionListener connectionListener() {
    return (conn, event) -> {
      connection = conn;
      if (closed) {
        closeInBackground(conn);
        return;
      }
      switch (event) {
        // a first connection made after failed attempts is announced as RECONNECTED
        case CONNECTED, RECONNECTED -> {
          log.info("nats gateway: {} to {}", event == ConnectionListener.Events.CONNECTED
              ? "connected" : "reconnected", conn.getConnectedUrl());
          if (natsService == null) {
            register(conn);
          }
        }
        case DISCONNECTED -> log.warn("nats gateway: disconnected from {}; trying again (every"
            + " {} s at most)", config.url(), ReconnectBackoff.LONGEST.toSeconds());
        case RESUBSCRIBED -> log.info("nats gateway: subjects {}.* subscribed again",
            config.subjectPrefix());
        case CLOSED -> log.info("nats gateway: connection closed");
        default -> log.debug("nats gateway: {}", event);
      }
    };
  }

  /** Closing from the listener's own thread could wait on itself. */
  private static void closeInBackground(Connection conn) {
    Thread closer = new Thread(() -> {
      try {
        conn.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "nats-gateway-close");
    closer.setDaemon(true);
    closer.start();
  }

  private ErrorListener errorListener() {
    return new ErrorListener() {
      @Override
      public void errorOccurred(Connection conn, String error) {
        log.warn("nats gateway: the NATS server says: {}", error);
      }

      @Override
      public void exceptionOccurred(Connection conn, Exception exp) {
        log.warn("nats gateway: {}", exp.toString());
      }

      @Override
      public void slowConsumerDetected(Connection conn, Consumer consumer) {
        log.warn("nats gateway: requests arrive faster than they are answered");
      }
    };
  }

  private synchronized void register(Connection conn) {
    if (natsService != null) {
      return;
    }
    Group group = new Group(config.subjectPrefix());
    var builder = Service.builder()
        .connection(conn)
        .name(config.serviceName())
        .description("restoreflow: MySQL table backups into 7z archives (seed 002's protocol)")
        .version(VERSION);
    for (NatsEndpoint endpoint : NatsEndpoint.values()) {
      builder.addServiceEndpoint(ServiceEndpoint.builder()
          .group(group)
          .endpointName(endpoint.subjectName())
          .handler(message -> handle(endpoint, message))
          .build());
    }
    natsService = builder.build();
    natsService.startService();
    log.info("nats gateway: serving {}.listbackups|makebackup|archive|restore|status as service"
        + " {} (id {})", config.subjectPrefix(), config.serviceName(), natsService.getId());
    serving.countDown();
  }

  /**
   * Answered on a pool of its own: the framework calls handlers one at a time, and a catalog
   * read or a job's start may take seconds.
   */
  private void handle(NatsEndpoint endpoint, ServiceMessage message) {
    try {
      handlers.execute(() -> respond(endpoint, message));
    } catch (RejectedExecutionException busy) {
      reply(message, NatsBackupService.bad(endpoint, "", "restoreflow is busy; try again"));
    }
  }

  private void respond(NatsEndpoint endpoint, ServiceMessage message) {
    byte[] reply;
    try {
      Map<String, List<String>> headers = message.hasHeaders() ? message.getHeaders().toMap()
          : Map.of();
      reply = service.answer(endpoint, headers, message.getData());
    } catch (RuntimeException e) {
      log.error("nats gateway: a {} request failed", endpoint.subjectName(), e);
      reply = NatsBackupService.bad(endpoint, "", "the request failed inside restoreflow ("
          + e.getClass().getSimpleName() + "); see the server log");
    }
    reply(message, reply);
  }

  private void reply(ServiceMessage message, byte[] reply) {
    Connection conn = connection;
    if (conn == null || message.getReplyTo() == null) {
      return;
    }
    try {
      message.respond(conn, reply);
    } catch (RuntimeException e) {
      log.warn("nats gateway: the reply could not be sent: {}", e.toString());
    }
  }

  /** The instance's archives from its catalog; empty when it cannot be read in time. */
  private static Optional<List<CatalogBackup>> archives(RestoreflowClient restoreflow,
      String instance, Duration timeout) {
    try {
      Catalog catalog = restoreflow.catalog(instance, timeout);
      return catalog.instances().stream().filter(c -> instance.equals(c.instance()))
          .findFirst().map(NatsGateway::readable);
    } catch (TimeoutException e) {
      log.warn("nats gateway: the catalog of {} was not read within {} s; is its host's worker"
          + " running?", instance, timeout.toSeconds());
    } catch (RequestRejectedException | io.temporal.client.WorkflowException
        | io.grpc.StatusRuntimeException e) {
      log.warn("nats gateway: the catalog of {} cannot be read: {}", instance, e.getMessage());
    }
    return Optional.empty();
  }

  /** The database's tables as its host reads them (a read-only job on the host's read queue). */
  private static Optional<List<String>> tables(RestoreflowClient restoreflow, String instance,
      Duration timeout) {
    try {
      return Optional.ofNullable(restoreflow.target(RestoreRequest.of(instance)
          .withRequestedVia("nats", "nats gateway"), timeout).tables());
    } catch (TimeoutException e) {
      log.warn("nats gateway: the tables of {} were not read within {} s; is its host's worker"
          + " running?", instance, timeout.toSeconds());
    } catch (RequestRejectedException | io.temporal.client.WorkflowException
        | io.grpc.StatusRuntimeException e) {
      log.warn("nats gateway: the tables of {} cannot be read: {}", instance, e.getMessage());
    }
    return Optional.empty();
  }

  private static List<CatalogBackup> readable(InstanceCatalog catalog) {
    return catalog.backups() == null ? List.of() : catalog.backups();
  }

  @Override
  public void close() {
    closed = true;
    Service running = natsService;
    if (running != null) {
      try {
        running.stop(true);
      } catch (RuntimeException e) {
        log.debug("nats gateway: stopping the service: {}", e.toString());
      }
    }
    handlers.shutdown();
    Connection conn = connection;
    if (conn != null) {
      try {
        conn.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
