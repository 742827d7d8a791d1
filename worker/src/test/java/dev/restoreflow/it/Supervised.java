package dev.restoreflow.it;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code restoreflow server} or {@code worker} process kept up the way the systemd units of
 * src/systemd keep them ({@code Restart=on-failure}, {@code RestartSec=5}): a process that exits
 * by itself (e.g. it started while Temporal was down and could not reach it) is started again
 * 5 s later. A kill by the test is not a failure of the unit: the test restarts it itself.
 */
final class Supervised implements AutoCloseable {

  /** systemd's RestartSec of the shipped units. */
  static final long RESTART_SEC = 5;

  interface Starter {
    RestoreflowProcess start() throws IOException;
  }

  private static final Logger log = LoggerFactory.getLogger(Supervised.class);

  private final String name;
  private final Starter starter;
  private final long restartSeconds;
  private final ScheduledExecutorService restarts;
  private final AtomicInteger restartsAfterExit = new AtomicInteger();
  private RestoreflowProcess process;
  private boolean down;
  private boolean closed;

  Supervised(String name, Starter starter) throws IOException {
    this(name, starter, RESTART_SEC);
  }

  Supervised(String name, Starter starter, long restartSeconds) throws IOException {
    this.name = name;
    this.starter = starter;
    this.restartSeconds = restartSeconds;
    this.restarts = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "supervise-" + name);
      t.setDaemon(true);
      return t;
    });
    start();
  }

  /** SIGKILL; the process stays down until {@link #start}. */
  synchronized void kill9() throws InterruptedException {
    down = true;
    process.kill9();
  }

  synchronized void start() throws IOException {
    down = false;
    RestoreflowProcess started = starter.start();
    process = started;
    started.onExit().thenRun(() -> exited(started));
  }

  private synchronized void exited(RestoreflowProcess which) {
    if (closed || down || which != process) {
      return;
    }
    log.warn("{} exited by itself (exit code {}); restarting it in {} s as systemd would", name,
        which.exitCode(), restartSeconds);
    restartsAfterExit.incrementAndGet();
    restarts.schedule(() -> {
      synchronized (this) {
        if (!closed && !down && process == which) {
          try {
            start();
          } catch (IOException e) {
            log.error("cannot restart {}", name, e);
          }
        }
      }
    }, restartSeconds, TimeUnit.SECONDS);
  }

  synchronized boolean isAlive() {
    return process.isAlive();
  }

  /** How often the process exited by itself and was started again (as systemd would). */
  int restartsAfterExit() {
    return restartsAfterExit.get();
  }

  String name() {
    return name;
  }

  @Override
  public void close() throws InterruptedException {
    RestoreflowProcess last;
    synchronized (this) {
      closed = true;
      last = process;
    }
    restarts.shutdownNow();
    last.close();
  }
}
