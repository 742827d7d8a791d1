package dev.restoreflow.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP proxy on 127.0.0.1 in front of the tests' S3 server that spoils a fraction of the
 * requests the ways S3 and networks fail: an S3 error (500 InternalError, 503 SlowDown) instead of
 * the answer; a connection reset, or closed as if all had been sent, in the middle of the
 * request's or the answer's body (or, for a request and answer without one, after the server did
 * the work and before the answer); or a stall: the server goes silent in the middle of a body, or
 * before answering, until the client gives up.
 * A stall is never ended by the proxy before {@code stallLimit}: a client without a working timeout
 * hangs there, and the stall is counted as not cut. It is over when the client closes the
 * connection or asks again, whichever thread sees that first; a stall in a request's body whose
 * answer has already ended (the server answered early, or broke off) is not begun, and is counted
 * apart ({@link #stallStories} tells each stall's end).
 *
 * <p>Each connection carries one request (the proxy asks both sides to close after it), so every
 * request is judged on its own: it is spoiled with probability {@code fraction} (a seeded random,
 * so a run can be repeated), the spoiled ones get the faults in turn, and a request (method,
 * target, range) is spoiled once at most: its next try goes through. So every spoiled request costs
 * the client one retry, and a fraction of 1 spoils every request once.
 */
final class FaultyS3Proxy implements AutoCloseable {

  /** What goes wrong with a spoiled request. */
  enum Fault {
    /** 500 InternalError or 503 SlowDown (in turn) instead of the answer. */
    SERVER_ERROR,
    /** The connection is reset (RST). */
    RESET,
    /** The connection is closed (FIN) as if everything had been sent. */
    CLOSE,
    /** The server goes silent until the client gives up. */
    STALL
  }

  /** Where a fault strikes. */
  enum Place {
    INSTEAD_OF_THE_ANSWER, IN_THE_REQUEST_BODY, IN_THE_ANSWER_BODY, BEFORE_THE_ANSWER
  }

  /**
   * What the proxy saw and did: requests, the spoiled ones by where, the body bytes it passed on
   * in exchanges it then cut (the client must send or fetch them again), and how long each stall
   * lasted until the client gave up.
   */
  record Figures(int requests, Map<Fault, Map<Place, Integer>> spoiled, long responseBytesCut,
      long requestBytesCut, List<Duration> stallsCut, int stallsNotCut, int earlyAnswers,
      int missedStalls) {

    int failed() {
      return spoiled.keySet().stream().mapToInt(this::failed).sum();
    }

    int failed(Fault fault) {
      return spoiled.getOrDefault(fault, Map.of()).values().stream().mapToInt(Integer::intValue)
          .sum();
    }

    int failed(Fault fault, Place place) {
      return spoiled.getOrDefault(fault, Map.of()).getOrDefault(place, 0);
    }

    /** What happened since {@code earlier}. */
    Figures since(Figures earlier) {
      Map<Fault, Map<Place, Integer>> spoiledSince = new EnumMap<>(Fault.class);
      spoiled.forEach((fault, places) -> places.forEach((place, n) -> spoiledSince
          .computeIfAbsent(fault, f -> new EnumMap<>(Place.class))
          .put(place, n - earlier.failed(fault, place))));
      return new Figures(requests - earlier.requests, spoiledSince,
          responseBytesCut - earlier.responseBytesCut, requestBytesCut - earlier.requestBytesCut,
          List.copyOf(stallsCut.subList(earlier.stallsCut.size(), stallsCut.size())),
          stallsNotCut - earlier.stallsNotCut, earlyAnswers - earlier.earlyAnswers,
          missedStalls - earlier.missedStalls);
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(String.format("%d requests, %d failed", requests,
          failed()));
      spoiled.forEach((fault, places) -> places.forEach((place, n) -> {
        if (n > 0) {
          text.append("; ").append(fault).append(' ')
              .append(place.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
              .append(": ").append(n);
        }
      }));
      text.append(String.format("; answer bytes delivered then cut off (fetched again): %,d;"
          + " request bytes sent then cut off (sent again): %,d", responseBytesCut,
          requestBytesCut));
      text.append("; stalls cut by the client after ").append(stallsCut.stream()
          .map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).toList());
      if (stallsNotCut > 0) {
        text.append("; stalls NOT cut: ").append(stallsNotCut);
      }
      if (earlyAnswers > 0) {
        text.append("; answered before the request's body was through: ").append(earlyAnswers);
      }
      if (missedStalls > 0) {
        text.append("; stalls not begun (the exchange was over): ").append(missedStalls);
      }
      return text.toString();
    }
  }

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Duration stallLimit;
  private final Random random;
  private final Set<String> spoiledOnce = new HashSet<>();
  /** Stalled exchanges by request: a client that asks again has given up on the stalled one. */
  private final Map<String, Exchange> stalledExchanges = new java.util.HashMap<>();
  private final Set<Exchange> openStalls = new java.util.LinkedHashSet<>();
  private final List<String> stallStories = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "faulty-s3-proxy");
    t.setDaemon(true);
    return t;
  });
  private double fraction;
  private int turn;
  private int requests;
  private final Map<Fault, Map<Place, Integer>> spoiled = new EnumMap<>(Fault.class);
  private int serverErrors;
  private long responseBytesCut;
  private long requestBytesCut;
  private final List<Duration> stallsCut = new ArrayList<>();
  private int stallsNotCut;
  private int earlyAnswers;
  private int missedStalls;

  /**
   * @param targetPort the S3 server's port on 127.0.0.1
   * @param stallLimit how long a stall may last at most (longer than any timeout under test)
   */
  FaultyS3Proxy(int targetPort, double fraction, long seed, Duration stallLimit)
      throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.fraction = fraction;
    this.random = new Random(seed);
    this.stallLimit = stallLimit;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  String endpoint() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on spoils {@code fraction} of the requests, each at most once from now on. */
  synchronized void spoil(double fraction) {
    this.fraction = fraction;
    spoiledOnce.clear();
  }

  /** How each stall so far ended, in order. */
  synchronized List<String> stallStories() {
    return List.copyOf(stallStories);
  }

  /** The stalls that have begun and not ended: request, place, and for how long so far. */
  synchronized List<String> openStalls() {
    return openStalls.stream().map(e -> e.request.startLine() + " (" + e.place + ", "
        + Duration.ofNanos(System.nanoTime() - e.stallStarted).toMillis() + " ms, client "
        + (e.clientGone.getCount() == 0 ? "gone" : "still there") + ")").toList();
  }

  synchronized Figures figures() {
    Map<Fault, Map<Place, Integer>> copy = new EnumMap<>(Fault.class);
    spoiled.forEach((fault, places) -> copy.put(fault, new EnumMap<>(places)));
    return new Figures(requests, copy, responseBytesCut, requestBytesCut, List.copyOf(stallsCut),
        stallsNotCut, earlyAnswers, missedStalls);
  }

  private synchronized Fault nextRequest(Head request) {
    requests++;
    String identity = request.identity();
    Exchange stalled = stalledExchanges.remove(identity);
    if (stalled != null) {
      stalled.clientGaveUp("asked again");
    }
    if (spoiledOnce.contains(identity) || random.nextDouble() >= fraction) {
      return null;
    }
    spoiledOnce.add(identity);
    return Fault.values()[turn++ % Fault.values().length];
  }

  private synchronized void count(Fault fault, Place place, long responseBytes,
      long requestBytes) {
    spoiled.computeIfAbsent(fault, f -> new EnumMap<>(Place.class)).merge(place, 1, Integer::sum);
    responseBytesCut += responseBytes;
    requestBytesCut += requestBytes;
  }

  private synchronized void answeredEarly() {
    earlyAnswers++;
  }

  private synchronized void stallEnded(Exchange exchange, Duration lasted, boolean cutByClient) {
    openStalls.remove(exchange);
    stalledExchanges.remove(exchange.request.identity(), exchange);
    if (cutByClient) {
      stallsCut.add(lasted);
    } else {
      stallsNotCut++;
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        threads.submit(() -> serve(client));
      } catch (IOException e) {
        // closed, or a failed accept: the loop condition decides
      }
    }
  }

  private void serve(Socket client) {
    Socket server = new Socket();
    try {
      // no thread waits forever on a client that neither sends nor closes
      client.setSoTimeout((int) stallLimit.plusSeconds(30).toMillis());
      InputStream fromClient = new BufferedInputStream(client.getInputStream());
      Head request = Head.read(fromClient);
      if (request == null) {
        return;
      }
      Fault fault = nextRequest(request);
      if (fault == Fault.SERVER_ERROR) {
        answerWithError(client, fromClient, request);
        return;
      }
      server.connect(target, 5000);
      Exchange exchange = new Exchange(client, server, fault, request);
      server.getOutputStream().write(request.closingConnection().bytes());
      threads.submit(() -> exchange.forwardRequestBody(fromClient));
      exchange.forwardResponse(new BufferedInputStream(server.getInputStream()));
    } catch (IOException e) {
      closeQuietly(client);
    } finally {
      closeQuietly(server);
    }
  }

  /** An S3 error document instead of the server's answer; the server never sees the request. */
  private void answerWithError(Socket client, InputStream fromClient, Head request)
      throws IOException {
    boolean unavailable;
    synchronized (this) {
      unavailable = serverErrors++ % 2 == 1;
    }
    count(Fault.SERVER_ERROR, Place.INSTEAD_OF_THE_ANSWER, 0, 0);
    if (!"100-continue".equalsIgnoreCase(request.header("Expect"))) {
      fromClient.skipNBytes(Math.max(0, request.contentLength()));
    }
    String body = unavailable
        ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please"
            + " reduce your request rate.</Message><RequestId>FAULTY0001</RequestId></Error>"
        : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We"
            + " encountered an internal error. Please try again.</Message><RequestId>FAULTY0002"
            + "</RequestId></Error>";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = (unavailable ? "HTTP/1.1 503 Slow Down" : "HTTP/1.1 500 Internal Server Error")
        + "\r\nContent-Type: application/xml\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    client.shutdownOutput();
    client.setSoTimeout(5000);
    fromClient.transferTo(OutputStream.nullOutputStream());
    closeQuietly(client);
  }

  /** One request and its answer between the client and the server, and its fault if any. */
  private final class Exchange {

    private final Socket client;
    private final Socket server;
    private final Fault fault;
    private final Head request;
    private final boolean faultInRequestBody;
    private final CountDownLatch clientGone = new CountDownLatch(1);
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile long stallStarted;
    private volatile Place place;
    private final AtomicBoolean stallOver = new AtomicBoolean();
    /** The server's answer (its head) has gone to the client. */
    private volatile boolean answered;
    private volatile boolean requestBodyThrough;
    private volatile boolean answerDone;
    private volatile boolean answerDoneAtStall;
    private volatile String answerFailure;

    Exchange(Socket client, Socket server, Fault fault, Head request) {
      this.client = client;
      this.server = server;
      this.fault = fault;
      this.request = request;
      this.faultInRequestBody = fault != null && request.contentLength() > 1;
      this.requestBodyThrough = request.contentLength() <= 0;
    }

    /**
     * Everything the client sends after the head goes to the server, until the client closes
     * (one request per connection); a fault in the request body strikes half-way through it.
     */
    void forwardRequestBody(InputStream fromClient) {
      byte[] buffer = new byte[16 * 1024];
      long cutAt = faultInRequestBody ? request.contentLength() / 2 : Long.MAX_VALUE;
      long forwarded = 0;
      try {
        OutputStream toServer = server.getOutputStream();
        int n;
        while ((n = fromClient.read(buffer, 0, forwarded < cutAt
            ? (int) Math.min(buffer.length, cutAt - forwarded) : buffer.length)) >= 0) {
          if (stalled.get()) {
            continue;   // the server went silent: what the client still sends goes nowhere
          }
          toServer.write(buffer, 0, n);
          toServer.flush();
          forwarded += n;
          requestBodyThrough = forwarded >= request.contentLength();
          if (forwarded == cutAt && fault == Fault.STALL && answerDone) {
            // the server answered (or the answer broke) before the body was half through: the
            // exchange is over, there is no answer left to hold back
            missedStall();
            continue;
          }
          if (forwarded == cutAt) {
            count(fault, Place.IN_THE_REQUEST_BODY, 0, forwarded);
            if (fault != Fault.STALL) {
              breakOff();
              return;
            }
            beginStall(Place.IN_THE_REQUEST_BODY);   // the answer's thread waits it out
          }
        }
      } catch (IOException e) {
        // a side closed
      } finally {
        clientGaveUp("closed");
        if (!stalled.get() || answered) {
          closeQuietly(client);
        }
      }
    }

    /** The server's answer to the client; a fault in it strikes half-way through its body. */
    void forwardResponse(InputStream fromServer) {
      try {
        forwardAnswer(fromServer);
      } catch (IOException e) {
        if (stalled.get()) {   // in the request body: the server's side was closed
          awaitClientGivingUp();
        } else {
          answerFailure = e.toString();
          closeQuietly(client);
        }
      } finally {
        answerDone = true;
      }
    }

    private void forwardAnswer(InputStream fromServer) throws IOException {
      OutputStream toClient = client.getOutputStream();
      Head response = Head.read(fromServer);
      while (response != null && response.status() == 100) {
        toClient.write(response.bytes());
        toClient.flush();
        response = Head.read(fromServer);
      }
      if (stalled.get()) {   // in the request body
        awaitClientGivingUp();
        return;
      }
      if (response == null) {
        finish();
        return;
      }
      answered = true;
      if (!requestBodyThrough) {
        answeredEarly();
      }
      long length = response.contentLength();
      boolean hasBody = !"HEAD".equals(request.method()) && response.status() != 204
          && response.status() != 304 && length != 0;
      boolean faultHere = fault != null && !faultInRequestBody;
      if (faultHere && !hasBody) {
        strike(Place.BEFORE_THE_ANSWER, 0);
        return;
      }
      toClient.write(response.closingConnection().bytes());
      long cutAt = !faultHere ? Long.MAX_VALUE : length > 0 ? length / 2 : 1;
      long end = length >= 0 ? length : Long.MAX_VALUE;
      byte[] buffer = new byte[16 * 1024];
      long delivered = 0;
      while (delivered < end) {
        int n = fromServer.read(buffer, 0, (int) Math.min(buffer.length,
            Math.min(end, cutAt) - delivered));
        if (n < 0) {
          break;
        }
        toClient.write(buffer, 0, n);
        toClient.flush();
        delivered += n;
        if (delivered >= cutAt) {
          strike(Place.IN_THE_ANSWER_BODY, delivered);
          return;
        }
      }
      finish();
    }

    private void strike(Place place, long delivered) {
      count(fault, place, delivered, 0);
      if (fault != Fault.STALL) {
        breakOff();
        return;
      }
      beginStall(place);
      awaitClientGivingUp();
    }

    /** The server is done with; the client hears nothing more until it gives up. */
    private void beginStall(Place where) {
      stallStarted = System.nanoTime();
      place = where;
      answerDoneAtStall = answerDone;
      synchronized (FaultyS3Proxy.this) {
        stalledExchanges.put(request.identity(), this);
        openStalls.add(this);
      }
      stalled.set(true);
      closeQuietly(server);
      if (clientGone.getCount() == 0) {
        endStall(true, "was gone before the stall began");
      }
    }

    /**
     * Until the client closes the connection or asks again (it gave up, whether or not it closed
     * what it gave up on), or the stall limit.
     */
    private void awaitClientGivingUp() {
      try {
        boolean gone = clientGone.await(stallLimit.toMillis(), TimeUnit.MILLISECONDS);
        endStall(gone, gone ? "gave up" : "did not give up");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(client);
    }

    /** The client closed the connection or asked again: a stall begun is over. */
    void clientGaveUp(String how) {
      clientGone.countDown();
      if (stalled.get()) {
        endStall(true, how);
      }
    }

    private void missedStall() {
      synchronized (FaultyS3Proxy.this) {
        missedStalls++;
        stallStories.add(String.format("%s %s: no stall, the answer's thread had ended%s",
            request.method(), request.startLine().split(" ")[1].replaceAll("\\?.*", ""),
            answerFailure != null ? " (" + answerFailure + ")" : " (answered)"));
      }
    }

    /**
     * Records the stall's end once, whichever thread sees it first: the answer's thread waiting
     * for the client, the request's thread seeing it close, or a new request asking again.
     */
    private void endStall(boolean cutByClient, String how) {
      if (stallOver.compareAndSet(false, true)) {
        Duration lasted = cutByClient ? Duration.ofNanos(System.nanoTime() - stallStarted)
            : stallLimit;
        stallEnded(this, lasted, cutByClient);
        synchronized (FaultyS3Proxy.this) {
          stallStories.add(String.format("%s %s %s: the client %s after %.1f s%s",
              request.method(), request.startLine().split(" ")[1].replaceAll("\\?.*", ""),
              place.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), how,
              lasted.toMillis() / 1000.0, answerDoneAtStall ? " (the answer's thread had ended"
                  + (answerFailure != null ? ": " + answerFailure : "") + ")" : ""));
        }
      }
    }

    /** RESET: the connection is reset; CLOSE: it is closed as if all had been sent. */
    private void breakOff() {
      if (fault == Fault.RESET) {
        try {
          client.setSoLinger(true, 0);
        } catch (IOException e) {
          // closing anyway
        }
      }
      closeQuietly(client);
      closeQuietly(server);
    }

    /**
     * The answer is complete: the client reads it to the end and closes, which ends the request
     * thread (closing here could reset a connection the client still reads from).
     */
    private void finish() {
      if (stalled.get()) {
        return;
      }
      try {
        client.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(client);
      }
      closeQuietly(server);
    }
  }

  /** The start line and headers of an HTTP/1.1 request or response. */
  private record Head(String startLine, List<String> headers) {

    private static final int LIMIT = 64 * 1024;

    /** Null if the stream ends before a head begins. */
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (bytes.size() == 0) {
            return null;
          }
          throw new IOException("the stream ended inside an HTTP head");
        }
        bytes.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (bytes.size() > LIMIT) {
          throw new IOException("an HTTP head over " + LIMIT + " bytes");
        }
      }
      List<String> lines = new ArrayList<>(List.of(
          bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n")));
      String start = lines.remove(0);
      return new Head(start, List.copyOf(lines));
    }

    String header(String name) {
      for (String line : headers) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    /** A request, so that its tries again are known: method, target and range. */
    String identity() {
      return startLine + " " + header("Range");
    }

    /** -1 when there is no Content-Length. */
    long contentLength() {
      String value = header("Content-Length");
      return value == null ? -1 : Long.parseLong(value);
    }

    String method() {
      return startLine.substring(0, startLine.indexOf(' '));
    }

    int status() {
      return Integer.parseInt(startLine.split(" ", 3)[1]);
    }

    /** This head asking the other side to close the connection after this exchange. */
    Head closingConnection() {
      List<String> kept = new ArrayList<>();
      for (String line : headers) {
        String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim();
        if (!name.equalsIgnoreCase("Connection") && !name.equalsIgnoreCase("Keep-Alive")) {
          kept.add(line);
        }
      }
      kept.add("Connection: close");
      return new Head(startLine, kept);
    }

    byte[] bytes() {
      return (startLine + "\r\n" + String.join("\r\n", headers) + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
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
