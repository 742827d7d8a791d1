package dev.restoreflow.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A test client of the line gateway: sends lines (or raw bytes), reads reply lines. */
final class LineClient implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final BufferedReader in;

  LineClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(60_000);
    out = socket.getOutputStream();
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  String ask(String line) throws IOException {
    return askRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  String askRaw(byte[] bytesWithLineEnd) throws IOException {
    out.write(bytesWithLineEnd);
    out.flush();
    return in.readLine();
  }

  String readLine() throws IOException {
    return in.readLine();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
