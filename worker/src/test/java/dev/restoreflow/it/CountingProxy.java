package dev.restoreflow.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a server: counts every byte the server sends back (so a
 * test counts downloads instead of assuming them) and can cap that rate, and the rate of what
 * clients send (so a download or an upload lasts long enough to be interrupted).
 */
final class CountingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicLong fromServer = new AtomicLong();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "counting-proxy");
    t.setDaemon(true);
    return t;
  });
  private volatile long bytesPerSecond;
  private volatile long uploadBytesPerSecond;

  CountingProxy(int targetPort, long bytesPerSecond) throws IOException {
    this.targetPort = targetPort;
    this.bytesPerSecond = bytesPerSecond;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  String endpoint() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  long bytesFromServer() {
    return fromServer.get();
  }

  void resetCount() {
    fromServer.set(0);
  }

  void setRate(long perSecond) {
    bytesPerSecond = perSecond;
  }

  /** Caps what clients send to the server; 0 = no cap. */
  void setUploadRate(long perSecond) {
    uploadBytesPerSecond = perSecond;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        threads.submit(() -> pump(client.getInputStream(), server.getOutputStream(), null,
            () -> uploadBytesPerSecond, client, server));
        threads.submit(() -> pump(server.getInputStream(), client.getOutputStream(), fromServer,
            () -> bytesPerSecond, client, server));
      } catch (IOException e) {
        if (!listener.isClosed()) {
          continue;
        }
      }
    }
  }

  private Void pump(InputStream in, OutputStream out, AtomicLong counter,
      java.util.function.LongSupplier rateCap, Socket a, Socket b) {
    byte[] buffer = new byte[16 * 1024];
    try {
      long windowStart = System.nanoTime();
      long windowBytes = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        if (counter != null) {
          counter.addAndGet(n);
        }
        long rate = rateCap.getAsLong();
        if (rate > 0) {
          windowBytes += n;
          long due = windowStart + windowBytes * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // a side closed: close both
    } finally {
      closeQuietly(a);
      closeQuietly(b);
    }
    return null;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }
}
