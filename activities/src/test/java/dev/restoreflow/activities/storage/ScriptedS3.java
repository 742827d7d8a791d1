package dev.restoreflow.activities.storage;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on a free 127.0.0.1 port that plays S3 from a script: each connection carries
 * one request (every answer says Connection: close), which gets the script's next step, which may answer, or break off, stall, trickle, or never
 * read the request's body. Every request is recorded (method, target, body).
 */
final class ScriptedS3 implements AutoCloseable {

  /** How one request is answered. */
  interface Step {
    void answer(Request request, InputStream in, Socket socket) throws Exception;
  }

  record Request(String method, String target, Map<String, String> headers, byte[] body) {

    long contentLength() {
      String value = headers.get("content-length");
      return value == null ? 0 : Long.parseLong(value);
    }
  }

  private final ServerSocket listener;
  private final Deque<Step> script;
  private final List<Request> requests = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scripted-s3");
    t.setDaemon(true);
    return t;
  });

  ScriptedS3() throws IOException {
    this.script = new ArrayDeque<>();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  /** Appends steps to the script. */
  synchronized void play(Step... steps) {
    script.addAll(List.of(steps));
  }

  String endpoint() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        threads.submit(() -> serve(socket));
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Request head = readHead(in);
      if (head == null) {
        return;
      }
      Step step;
      synchronized (this) {
        step = script.poll();
      }
      if (step == null) {
        throw new IllegalStateException("no step left for " + head.method() + " " + head.target());
      }
      step.answer(head, in, socket);
    } catch (Exception e) {
      // the client went away, or the step broke the connection on purpose
    }
  }

  private Request readHead(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      bytes.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] start = lines[0].split(" ");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    return new Request(start[0], start[1], headers, new byte[0]);
  }

  /** Reads the request's body (saying 100 Continue first when asked to) and records it. */
  private Request body(Request head, InputStream in, Socket socket) throws IOException {
    if ("100-continue".equalsIgnoreCase(head.headers().get("expect"))) {
      socket.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }
    Request request = new Request(head.method(), head.target(), head.headers(),
        in.readNBytes((int) head.contentLength()));
    synchronized (this) {
      requests.add(request);
    }
    return request;
  }

  private void record(Request head) {
    synchronized (this) {
      requests.add(head);
    }
  }

  // ------------------------------------------------------------------------------ steps

  /** A whole answer. */
  Step answer(int status, byte[] body, String... headers) {
    return (head, in, socket) -> {
      body(head, in, socket);
      OutputStream out = socket.getOutputStream();
      out.write(statusAndHeaders(status, body.length,
          headers));
      if (!head.method().equals("HEAD")) {
        out.write(body);
      }
      out.flush();
      socket.shutdownOutput();
      in.transferTo(OutputStream.nullOutputStream());
    };
  }

  Step xml(int status, String xml) {
    return answer(status, xml.getBytes(StandardCharsets.UTF_8), "Content-Type: application/xml");
  }

  /** The head and half the body, then a connection reset. */
  Step resetMidBody(int status, byte[] body) {
    return (head, in, socket) -> {
      body(head, in, socket);
      OutputStream out = socket.getOutputStream();
      out.write(statusAndHeaders(status, body.length));
      out.write(body, 0, body.length / 2);
      out.flush();
      socket.setSoLinger(true, 0);
      socket.close();
    };
  }

  /** The head and half the body, then the connection closes as if the answer were complete. */
  Step endMidBody(int status, byte[] body) {
    return (head, in, socket) -> {
      body(head, in, socket);
      OutputStream out = socket.getOutputStream();
      out.write(statusAndHeaders(status, body.length));
      out.write(body, 0, body.length / 2);
      out.flush();
      socket.close();
    };
  }

  /** The head and half the body, then silence until the client gives up. */
  Step stallMidBody(int status, byte[] body) {
    return (head, in, socket) -> {
      body(head, in, socket);
      OutputStream out = socket.getOutputStream();
      out.write(statusAndHeaders(status, body.length));
      out.write(body, 0, body.length / 2);
      out.flush();
      awaitClientGone(in, socket);
    };
  }

  /** The head, then one byte of the body every 200 ms. */
  Step trickle(int status, byte[] body) {
    return (head, in, socket) -> {
      body(head, in, socket);
      OutputStream out = socket.getOutputStream();
      out.write(statusAndHeaders(status, body.length));
      for (byte b : body) {
        out.write(b);
        out.flush();
        Thread.sleep(200);
      }
    };
  }

  /** Never reads the request's body, never answers: the client's writing blocks. */
  Step neverRead() {
    return (head, in, socket) -> {
      record(head);
      Thread.sleep(60_000);
    };
  }

  private static void awaitClientGone(InputStream in, Socket socket) throws IOException {
    socket.setSoTimeout(60_000);
    in.transferTo(OutputStream.nullOutputStream());
  }

  private static byte[] statusAndHeaders(int status, long length, String... headers) {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Scripted\r\n");
    head.append("Content-Length: ").append(length).append("\r\n");
    head.append("Connection: close\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }
}
