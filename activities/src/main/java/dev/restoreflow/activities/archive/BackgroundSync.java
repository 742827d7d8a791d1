package dev.restoreflow.activities.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * fsyncs the files and directories written before a restart point on a thread of its own, and
 * only then reports the point, so extraction goes on while the disk catches up. One sync is in
 * flight at a time: the next restart point waits for the one before.
 */
public final class BackgroundSync implements AutoCloseable {

  public interface Durable {
    void reached() throws IOException;
  }

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fetch-fsync");
    t.setDaemon(true);
    return t;
  });
  private Future<?> pending;

  /** Syncs {@code paths} (files and directories), then calls {@code then}. */
  public void sync(List<Path> paths, Durable then) throws IOException {
    await();
    pending = thread.submit(() -> {
      for (Path path : paths) {
        force(path);
      }
      then.reached();
      return null;
    });
  }

  /** Waits for the sync in flight; its failure is thrown here. */
  public void await() throws IOException {
    if (pending == null) {
      return;
    }
    try {
      pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while syncing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause.getMessage(), cause);
    } finally {
      pending = null;
    }
  }

  public static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
