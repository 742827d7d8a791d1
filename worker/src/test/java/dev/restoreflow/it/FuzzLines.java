package dev.restoreflow.it;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Request lines that are wrong by construction (each carries at least one defect), for the
 * gateway's fuzz test. Every line ends with LF and has no LF inside.
 */
final class FuzzLines {

  private static final String[] VALID = {
      "db_instance=f1", "db_instance=f2, db_host=h2", "db_instance=f3, backup_id=TOXAAA",
      "db_instance=f4, db_host=h4, backup_id=TOXAAA, incremental"};

  private FuzzLines() {}

  static byte[] next(Random r) {
    String base = VALID[r.nextInt(VALID.length)];
    String line = switch (r.nextInt(14)) {
      case 0 -> null;
      case 1 -> "x" + randomPrintable(r, r.nextInt(80));
      case 2 -> base + ", colour=" + randomWord(r);
      case 3 -> base + ", db_instance=f1";
      case 4 -> base.replaceFirst("db_instance=f\\d", "db_instance=nosuch" + randomWord(r));
      case 5 -> base + ", db_host=nohost" + randomWord(r);
      case 6 -> base.replaceFirst("db_instance=f\\d,? ?", "").isBlank() ? " , " : base.replaceFirst("db_instance=f\\d,? ?", "db_host=h1, ");
      case 7 -> base + ", backup_id=" + randomWord(r) + "!";
      case 8 -> base + ",, incremental";
      case 9 -> base + ", incremental=" + randomWord(r);
      case 10 -> "status " + randomWord(r) + " " + randomWord(r);
      case 11 -> " \t ".repeat(r.nextInt(3));
      case 12 -> base + ";" + randomPrintable(r, 10);
      default -> "queue " + randomWord(r) + " extra";
    };
    if (line == null) {
      return randomBytes(r);
    }
    if (r.nextInt(10) == 0) {
      int at = r.nextInt(line.length() + 1);
      line = line.substring(0, at) + '\0' + line.substring(at);
    }
    return (line + (r.nextBoolean() ? "\n" : "\r\n")).getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes that are never UTF-8 (a lone continuation byte first), or a line far too long. */
  private static byte[] randomBytes(Random r) {
    if (r.nextInt(5) == 0) {
      byte[] huge = new byte[4097 + r.nextInt(4000)];
      for (int i = 0; i < huge.length; i++) {
        huge[i] = (byte) ('a' + r.nextInt(26));
      }
      huge[huge.length - 1] = '\n';
      return huge;
    }
    byte[] bytes = new byte[2 + r.nextInt(120)];
    r.nextBytes(bytes);
    bytes[0] = (byte) 0x80;
    for (int i = 1; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        bytes[i] = (byte) 0xFE;
      }
    }
    bytes[bytes.length - 1] = '\n';
    return bytes;
  }

  private static String randomWord(Random r) {
    StringBuilder out = new StringBuilder();
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      out.append((char) ('a' + r.nextInt(26)));
    }
    return out.toString();
  }

  private static String randomPrintable(Random r, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append((char) (0x20 + r.nextInt(0x5F)));
    }
    return out.toString();
  }
}
