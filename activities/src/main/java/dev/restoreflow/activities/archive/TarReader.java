package dev.restoreflow.activities.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry (ustar, with GNU long names and pax path/size records), as
 * pg_basebackup and GNU tar write them. The caller reads each entry's bytes from {@link #content}
 * before asking for the next entry.
 */
public final class TarReader {

  private static final int BLOCK = 512;

  /** One archive member. */
  public record Entry(String name, char type, long size, int mode, String linkTarget) {
    public boolean isFile() {
      return type == '0' || type == '\0' || type == '7';
    }

    public boolean isDirectory() {
      return type == '5';
    }

    public boolean isSymlink() {
      return type == '2';
    }
  }

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;
  private long position;

  public TarReader(InputStream in) {
    this(in, 0);
  }

  /** A reader of a tar stream whose first byte is at {@code position} of the whole archive. */
  public TarReader(InputStream in, long position) {
    this.in = in;
    this.position = position;
  }

  /**
   * Continues inside {@code entry}'s data: the stream starts {@code remaining} bytes before the
   * end of its data (a restart point of a chunked tarball).
   */
  public void resumeInside(Entry entry, long remaining) {
    this.remaining = remaining;
    this.padding = pad(entry.size());
  }

  /** The next member, or null at the end of the archive. */
  public Entry next() throws IOException {
    skip(remaining + padding);
    remaining = 0;
    padding = 0;
    String longName = null;
    String paxPath = null;
    Long paxSize = null;
    while (true) {
      readBlock();
      if (isZeroBlock()) {
        return null;
      }
      verifyChecksum();
      char type = (char) header[156];
      long size = number(124, 12);
      if (type == 'L' || type == 'x' || type == 'g') {
        byte[] data = readFully(size);
        skip(pad(size));
        if (type == 'L') {
          longName = cString(data, 0, data.length);
        } else if (type == 'x') {
          String[] pax = parsePax(data);
          paxPath = pax[0] != null ? pax[0] : paxPath;
          paxSize = pax[1] != null ? Long.valueOf(pax[1]) : paxSize;
        }
        continue;
      }
      String name = longName != null ? longName : paxPath != null ? paxPath : ustarName();
      if (paxSize != null) {
        size = paxSize;
      }
      int mode = (int) number(100, 8);
      String link = cString(header, 157, 100);
      boolean hasData = type == '0' || type == '\0' || type == '7';
      remaining = hasData ? size : 0;
      padding = hasData ? pad(size) : 0;
      if (!hasData && type != '5' && type != '2' && type != '1') {
        throw new IOException("tar member '" + name + "' has unsupported type '" + type + "'");
      }
      return new Entry(name, type, hasData ? size : 0, mode, link);
    }
  }

  /** The current member's bytes; read it to its end (or not at all) before {@link #next}. */
  public InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
          throw new EOFException("the archive ends inside a member (" + remaining + " bytes missing)");
        }
        remaining -= n;
        position += n;
        return n;
      }
    };
  }

  /** Bytes of the (decompressed) archive consumed so far. */
  public long position() {
    return position;
  }

  private void readBlock() throws IOException {
    int read = in.readNBytes(header, 0, BLOCK);
    position += read;
    if (read == 0) {
      // a tar archive ends with zero blocks; a stream that simply stops was cut short
      throw new EOFException("the archive ends at byte " + position + " without its end marker:"
          + " it is truncated");
    }
    if (read < BLOCK) {
      throw new EOFException("the archive ends inside a header");
    }
  }

  private boolean isZeroBlock() {
    for (byte b : header) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void verifyChecksum() throws IOException {
    long stored = number(148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != stored) {
      throw new CorruptObjectException("tar header checksum mismatch at byte " + (position - BLOCK)
          + ": the archive is corrupt");
    }
  }

  private String ustarName() {
    String name = cString(header, 0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't';
    String prefix = ustar ? cString(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private long number(int offset, int length) throws IOException {
    if ((header[offset] & 0x80) != 0) {
      long value = 0;
      for (int i = offset + 1; i < offset + length; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    String text = cString(header, offset, length).trim();
    if (text.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new CorruptObjectException("tar header has a bad number '" + text + "': the archive is corrupt");
    }
  }

  private byte[] readFully(long size) throws IOException {
    if (size > 1 << 20) {
      throw new CorruptObjectException("tar extended header of " + size + " bytes is not plausible");
    }
    byte[] data = in.readNBytes((int) size);
    position += data.length;
    if (data.length < size) {
      throw new EOFException("the archive ends inside an extended header");
    }
    return data;
  }

  private void skip(long count) throws IOException {
    long left = count;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the archive ends inside a member");
        }
        skipped = 1;
      }
      left -= skipped;
      position += skipped;
    }
  }

  private static long pad(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** [path, size] from a pax header's "len key=value\n" records. */
  private static String[] parsePax(byte[] data) {
    String[] result = new String[2];
    String text = new String(data, StandardCharsets.UTF_8);
    for (String record : text.split("\n")) {
      int space = record.indexOf(' ');
      int equals = record.indexOf('=');
      if (space < 0 || equals < space) {
        continue;
      }
      String key = record.substring(space + 1, equals);
      String value = record.substring(equals + 1);
      if (key.equals("path")) {
        result[0] = value;
      } else if (key.equals("size")) {
        result[1] = value;
      }
    }
    return result;
  }
}
