package dev.restoreflow.it;

import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generated requests to the NATS gateway that are each malformed by construction (none may start
 * anything): bytes that are not UTF-8, NUL, names with {@code /}, {@code ..} or quotes, a missing
 * {@code =}, empty lists, headers and body that disagree.
 */
final class MalformedNatsRequests {

  record Request(String endpoint, Headers headers, byte[] body) {}

  private static final String ARCHIVE = "2021-11-28_23-49-44-backup.7z";
  private static final String OTHER_ARCHIVE = "2021-11-28_23-49-45-backup.7z";
  private static final List<String> BAD_NAMES = List.of("../t1", "a/b", "t'1", "t\"1", "t..1",
      "t 1", "t;1", "`t`", "$t", "t\\1", "/etc/passwd", "..", "t1.sql/..", "t*", "t>");
  private static final List<String> ENDPOINTS = List.of("makebackup", "archive", "restore",
      "status");

  private MalformedNatsRequests() {}

  static Request next(Random random) {
    String endpoint = ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
    return switch (endpoint) {
      case "makebackup" -> makeBackup(random);
      case "archive" -> archive(random);
      case "restore" -> restore(random);
      default -> status(random);
    };
  }

  private static Request makeBackup(Random r) {
    String good = table(r) + "," + table(r) + "x";
    return switch (r.nextInt(8)) {
      case 0 -> body("makebackup", notUtf8(r, "makebackup=" + good));
      case 1 -> body("makebackup", withNul(r, "makebackup=" + good));
      case 2 -> body("makebackup", text("makebackup=" + good + "," + bad(r)));
      case 3 -> body("makebackup", text("makebackup" + pick(r, " ", ":", "", "-", ";")
          + good));
      case 4 -> body("makebackup", text(pick(r, "makebackup=", "makebackup=,",
          "makebackup= , ", "makebackup=" + table(r) + ",,x", "makebackup=,x")));
      case 5 -> new Request("makebackup", headers("tables", "t1,t2"),
          text("makebackup=t1,t3"));
      case 6 -> new Request("makebackup", headers("tables", bad(r)), text("makebackup"));
      default -> body("makebackup", text(pick(r, "tables=t1", "backup=t1",
          "makebackup=t1,t1")));
    };
  }

  private static Request archive(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> body("archive", notUtf8(r, "archivename=" + ARCHIVE));
      case 1 -> body("archive", withNul(r, "archivename=" + ARCHIVE));
      case 2 -> body("archive", text("archivename=" + pick(r, "../" + ARCHIVE, ARCHIVE + "/x",
          "'" + ARCHIVE + "'", "\"" + ARCHIVE + "\"", "x.7z", ".7z", "backup.zip",
          "2021-11-28_23-49-44-backup.7z.7z", "2021-02-30_23-49-44-backup.7z", "..")));
      case 3 -> body("archive", text("archivename" + pick(r, " ", ":", "") + ARCHIVE));
      case 4 -> new Request("archive", headers("archivename", ARCHIVE),
          text("archivename=" + OTHER_ARCHIVE));
      case 5 -> new Request("archive", headers("archivename", "../" + ARCHIVE), text("x"));
      default -> body("archive", text(pick(r, "", "archivename=", "name=" + ARCHIVE)));
    };
  }

  private static Request restore(Random r) {
    String tables = table(r) + ".sql," + table(r) + "x.sql";
    return switch (r.nextInt(8)) {
      case 0 -> body("restore", notUtf8(r, "archive=" + ARCHIVE + ";tables=" + tables));
      case 1 -> body("restore", withNul(r, "archive=" + ARCHIVE + ";tables=" + tables));
      case 2 -> body("restore", text("archive=" + ARCHIVE + ";tables=" + tables + ","
          + pick(r, "t.sqld", "../t.sql", "t'.sql", "a/b.sql", "t", "\"t.sql\"")));
      case 3 -> body("restore", text(pick(r, "archive" + ARCHIVE + ";tables=" + tables,
          "archive=" + ARCHIVE + ";tables" + tables, "archive=" + ARCHIVE + " tables="
              + tables, "archive=" + ARCHIVE)));
      case 4 -> body("restore", text("archive=" + ARCHIVE + ";tables=" + pick(r, "", ",",
          " , ", "t.sql,,u.sql")));
      case 5 -> new Request("restore", headers("archivename", ARCHIVE, "tables", tables),
          text("archive=" + OTHER_ARCHIVE + ";tables=" + tables));
      case 6 -> new Request("restore", headers(pick(r, "archivename", "tables"), ARCHIVE),
          text("archive"));
      default -> body("restore", text("archive=" + pick(r, "../" + ARCHIVE, "x.7z",
          ARCHIVE + "/..") + ";tables=" + tables));
    };
  }

  private static Request status(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> body("status", notUtf8(r, "job=shop-1"));
      case 1 -> body("status", withNul(r, "job=shop-1"));
      case 2 -> body("status", text("job=" + pick(r, "../x", "a/b", "'x'", "\"x\"", "x..y",
          "", " ", "-x", "x y")));
      case 3 -> new Request("status", headers("job", "shop-1"), text("job=shop-2"));
      case 4 -> new Request("status", headers("job", pick(r, "../x", "a/b", "'x'")), text(""));
      default -> body("status", text(pick(r, "", "id=shop-1", "a/b", "..")));
    };
  }

  private static Request body(String endpoint, byte[] body) {
    return new Request(endpoint, null, body);
  }

  private static Headers headers(String... pairs) {
    Headers headers = new Headers();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  private static String table(Random r) {
    return "t" + r.nextInt(1000);
  }

  private static String bad(Random r) {
    return BAD_NAMES.get(r.nextInt(BAD_NAMES.size()));
  }

  private static String pick(Random r, String... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The text with a byte that UTF-8 never has, or a sequence cut short, somewhere. */
  private static byte[] notUtf8(Random r, String text) {
    byte[] plain = text(text);
    byte[] out = new byte[plain.length + 1];
    int at = r.nextInt(plain.length + 1);
    System.arraycopy(plain, 0, out, 0, at);
    out[at] = (byte) (r.nextBoolean() ? 0xff : 0xc3);
    System.arraycopy(plain, at, out, at + 1, plain.length - at);
    if (out[at] == (byte) 0xc3 && at + 1 < out.length && (out[at + 1] & 0xc0) == 0x80) {
      out[at] = (byte) 0xff;
    }
    return out;
  }

  private static byte[] withNul(Random r, String text) {
    int at = r.nextInt(text.length() + 1);
    return text(text.substring(0, at) + '\u0000' + text.substring(at));
  }
}
