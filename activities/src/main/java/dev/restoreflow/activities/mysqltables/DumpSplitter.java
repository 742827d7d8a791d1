package dev.restoreflow.activities.mysqltables;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits ONE mariadb-dump run of several tables into one loadable {@code <table>.sql} per table,
 * at mariadb-dump's own {@code -- Table structure for table `t`} markers: each file gets the
 * dump's header (character set, time zone, checks off), its table's part, and the dump's footer
 * (settings back). The dump counts only when it ends with mariadb-dump's {@code -- Dump
 * completed} line and holds exactly the tables asked for, in order.
 */
final class DumpSplitter {

  static final Pattern MARKER = Pattern.compile("-- Table structure for table `([^`]*)`");
  private static final String COMPLETED = "-- Dump completed";
  private static final int MAX_HEADER = 64 * 1024;

  /** The dump is not what mariadb-dump writes for these tables. */
  static final class BadDumpException extends IOException {
    BadDumpException(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final List<String> tables;
  private final Runnable onFirstTable;
  private final BiConsumer<String, Long> progress;

  /**
   * @param onFirstTable runs when the first table's marker arrives: mariadb-dump has taken its
   *     snapshot by then
   * @param progress the current table and the bytes read so far
   */
  DumpSplitter(Path dir, List<String> tables, Runnable onFirstTable,
      BiConsumer<String, Long> progress) {
    this.dir = dir;
    this.tables = List.copyOf(tables);
    this.onFirstTable = onFirstTable;
    this.progress = progress;
  }

  /** Where a line of the dump goes. */
  private enum Part { HEADER, TABLE, FOOTER }

  /** @return each table's file size, in the order dumped */
  Map<String, Long> split(InputStream dump) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    Map<String, Long> written = new LinkedHashMap<>();
    Part part = Part.HEADER;
    OutputStream current = null;
    String table = null;
    byte[] heldDash = null;   // a "--" line: it may open the next table's marker block
    boolean completed = false;
    long read = 0;
    try (InputStream in = new BufferedInputStream(dump, 1 << 16)) {
      byte[] line;
      while ((line = readLine(in)) != null) {
        read += line.length;
        String text = ascii(line).stripTrailing();
        Matcher marker = MARKER.matcher(text);
        if (marker.matches()) {
          if (part == Part.FOOTER) {
            throw new BadDumpException("mariadb-dump wrote a table after its footer");
          }
          String next = marker.group(1);
          if (written.size() >= tables.size() || !tables.get(written.size()).equals(next)) {
            throw new BadDumpException("mariadb-dump wrote table " + shown(next) + " where "
                + (written.size() < tables.size() ? "table " + tables.get(written.size())
                    : "no more tables") + " was expected");
          }
          if (current == null) {
            onFirstTable.run();
          } else {
            current.close();
          }
          table = next;
          part = Part.TABLE;
          current = Files.newOutputStream(file(table), StandardOpenOption.CREATE_NEW);
          current.write(header.toByteArray());
          written.put(table, 0L);
          if (heldDash != null) {
            current.write(heldDash);
            heldDash = null;
          }
          current.write(line);
          progress.accept(table, read);
          continue;
        }
        if (heldDash != null) {
          write(part, current, header, footer, heldDash);
          heldDash = null;
        }
        if (text.equals("--")) {
          heldDash = line;
          continue;
        }
        if (part == Part.TABLE && isFooterStart(text)) {
          current.close();
          current = null;
          part = Part.FOOTER;
        }
        if (part != Part.TABLE && text.startsWith(COMPLETED)) {
          completed = true;
        }
        write(part, current, header, footer, line);
        if (header.size() > MAX_HEADER || footer.size() > MAX_HEADER) {
          throw new BadDumpException("mariadb-dump wrote more than " + MAX_HEADER + " bytes"
              + " outside of its tables");
        }
      }
      if (heldDash != null) {
        write(part, current, header, footer, heldDash);
      }
    } finally {
      if (current != null) {
        current.close();
      }
    }
    if (written.size() != tables.size()) {
      throw new BadDumpException("mariadb-dump ended after " + written.size() + " of "
          + tables.size() + " tables" + (written.isEmpty() ? "" : " (last: " + table + ")"));
    }
    if (part != Part.FOOTER || !completed) {
      throw new BadDumpException("mariadb-dump's output ends without its footer and '-- Dump"
          + " completed' line: the dump is cut short");
    }
    for (String name : tables) {
      try (OutputStream out = Files.newOutputStream(file(name), StandardOpenOption.APPEND)) {
        footer.writeTo(out);
      }
      written.put(name, Files.size(file(name)));
    }
    return written;
  }

  /** The footer sets back what the header changed: {@code /*!40103 SET TIME_ZONE=@OLD_...}. */
  static boolean isFooterStart(String line) {
    return line.startsWith("/*!") && line.contains("=@OLD_");
  }

  private static void write(Part part, OutputStream current, ByteArrayOutputStream header,
      ByteArrayOutputStream footer, byte[] line) throws IOException {
    switch (part) {
      case HEADER -> header.write(line);
      case TABLE -> current.write(line);
      case FOOTER -> footer.write(line);
    }
  }

  private Path file(String table) {
    return dir.resolve(TableNames.file(table));
  }

  private static String shown(String name) {
    return TableNames.TABLE.matcher(name).matches() ? name : "(an unexpected name)";
  }

  /** One line with its '\n'; null at the end. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int b;
    while ((b = in.read()) != -1) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.size() == 0 ? null : line.toByteArray();
  }

  private static String ascii(byte[] line) {
    return new String(line, 0, Math.min(line.length, 200), StandardCharsets.ISO_8859_1);
  }
}
