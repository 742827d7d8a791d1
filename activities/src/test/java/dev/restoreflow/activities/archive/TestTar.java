package dev.restoreflow.activities.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes ustar archives member by member, for archives no tar program would make from a real
 * directory (links followed by members below them, names through links).
 */
public final class TestTar {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public TestTar directory(String name) {
    header(name, '5', 0, 0700, "");
    return this;
  }

  public TestTar file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  public TestTar file(String name, byte[] data) {
    header(name, '0', data.length, 0600, "");
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  public TestTar symlink(String name, String target) {
    header(name, '2', 0, 0777, target);
    return this;
  }

  public TestTar hardLink(String name, String target) {
    header(name, '1', 0, 0600, target);
    return this;
  }

  /** The archive, with its end marker. */
  public byte[] bytes() {
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.writeBytes(out.toByteArray());
    whole.writeBytes(new byte[1024]);
    return whole.toByteArray();
  }

  private void header(String name, char type, long size, int mode, String link) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    put(h, 100, 8, String.format("%07o", mode));
    put(h, 108, 8, "0000000");
    put(h, 116, 8, "0000000");
    put(h, 124, 12, String.format("%011o", size));
    put(h, 136, 12, String.format("%011o", 1_700_000_000L));
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o", sum));
    out.writeBytes(h);
  }

  private static void put(byte[] header, int offset, int length, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > length) {
      throw new IllegalArgumentException("'" + text + "' does not fit in " + length + " bytes");
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
