package dev.restoreflow.worker.nats;

import dev.restoreflow.worker.nats.NatsRequest.Invalid;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads seed 002's requests, in the header form ({@code tables: t1,t2}) and the body form
 * ({@code makebackup=t1,t2}). Pure: no I/O. When a request carries both forms they must say the
 * same; anything that is not exactly the protocol is {@link Invalid}, with a reason that never
 * repeats the client's bytes.
 */
public final class NatsRequestParser {

  /** A MySQL table as the makebackup subject names it: a plain, unquoted identifier. */
  private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_]{1,64}");
  /** A table file in an archive, as the archive and restore subjects name it. */
  private static final Pattern TABLE_FILE = Pattern.compile("[A-Za-z0-9_]{1,64}\\.sql");
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  /** What a shown name keeps; every other character becomes {@code ?}. */
  private static final Pattern NOT_SHOWN = Pattern.compile("[^A-Za-z0-9_.-]");
  static final int MAX_TABLES = 1000;

  private NatsRequestParser() {}

  public static NatsRequest listBackups() {
    return new NatsRequest.ListBackups();
  }

  /** Header {@code tables: t1,t2} (body anything), or body {@code makebackup=t1,t2}. */
  public static NatsRequest makeBackup(Map<String, List<String>> headers, byte[] body) {
    try {
      Optional<String> header = header(headers, "tables");
      Optional<String> fromBody = bodyValue(text(body), "makebackup", header.isPresent());
      String list = agreeing("tables", header, fromBody, "makebackup=t1,t2");
      return new NatsRequest.MakeBackup(names(list, TABLE, "table",
          "a table name is letters, digits and _ (at most 64), e.g. orders"));
    } catch (Malformed e) {
      return Invalid.because(e.getMessage());
    }
  }

  /** Header {@code archivename: X.7z}, or body {@code archivename=X.7z}. */
  public static NatsRequest archive(Map<String, List<String>> headers, byte[] body) {
    String name;
    try {
      Optional<String> header = header(headers, "archivename");
      Optional<String> fromBody = bodyValue(text(body), "archivename", header.isPresent());
      name = agreeing("archivename", header, fromBody, "archivename=X.7z");
    } catch (Malformed e) {
      return Invalid.because(e.getMessage());
    }
    Optional<String> wrong = archiveNameProblem(name);
    if (wrong.isPresent()) {
      return new Invalid(wrong.get(), shown(name));
    }
    return new NatsRequest.Archive(name);
  }

  /**
   * Headers {@code archivename} and {@code tables: t1.sql,t2.sql}, or body
   * {@code archive=X.7z;tables=t1.sql,t2.sql}.
   */
  public static NatsRequest restore(Map<String, List<String>> headers, byte[] body) {
    try {
      Optional<String> archiveHeader = header(headers, "archivename");
      Optional<String> tablesHeader = header(headers, "tables");
      if (archiveHeader.isPresent() != tablesHeader.isPresent()) {
        throw new Malformed("the header form needs both headers, archivename and tables");
      }
      String text = text(body).strip();
      Map<String, String> items = Map.of();
      if (archiveHeader.isEmpty() || text.contains("=")) {
        items = restoreItems(text);
      }
      String archive = agreeing("archivename", archiveHeader,
          Optional.ofNullable(items.get("archive")), "archive=X.7z;tables=t1.sql,t2.sql");
      String tables = agreeing("tables", tablesHeader, Optional.ofNullable(items.get("tables")),
          "archive=X.7z;tables=t1.sql,t2.sql");
      Optional<String> wrong = archiveNameProblem(archive);
      if (wrong.isPresent()) {
        throw new Malformed(wrong.get());
      }
      return new NatsRequest.Restore(archive, names(tables, TABLE_FILE, "table file",
          "a table file is a table name and .sql, e.g. orders.sql, as the archive subject lists"
              + " them"));
    } catch (Malformed e) {
      return Invalid.because(e.getMessage());
    }
  }

  /** Header {@code job: ID}, body {@code job=ID}, or the bare id as the body. */
  public static NatsRequest status(Map<String, List<String>> headers, byte[] body) {
    try {
      Optional<String> header = header(headers, "job");
      String text = text(body).strip();
      Optional<String> fromBody;
      if (text.contains("=")) {
        fromBody = bodyValue(text, "job", false);
      } else {
        fromBody = text.isEmpty() ? Optional.empty() : Optional.of(text);
      }
      String job = agreeing("job", header, fromBody, "job=ID");
      if (!JOB_ID.matcher(job).matches() || job.contains("..")) {
        throw new Malformed("not a job id: job ids are letters, digits and _ . : - as makebackup"
            + " and restore answer them");
      }
      return new NatsRequest.Status(job);
    } catch (Malformed e) {
      return Invalid.because(e.getMessage());
    }
  }

  /** Why {@code name} is not one of the promised archive names; empty when it is. */
  static Optional<String> archiveNameProblem(String name) {
    if (ArchiveNames.isArchiveName(name)) {
      return Optional.empty();
    }
    return Optional.of("not an archive name of the form YYYY-MM-DD_HH-MM-SS-backup.7z");
  }

  /** The name as a bad reply may show it: safe characters only, at most 64 of them. */
  static String shown(String name) {
    String safe = NOT_SHOWN.matcher(name).replaceAll("?");
    return safe.length() > 64 ? safe.substring(0, 64) : safe;
  }

  /** The one value of a header (its name in any case); two values are a malformed request. */
  private static Optional<String> header(Map<String, List<String>> headers, String name)
      throws Malformed {
    if (headers == null) {
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    headers.forEach((key, vals) -> {
      if (key != null && key.toLowerCase(Locale.ROOT).equals(name) && vals != null) {
        values.addAll(vals);
      }
    });
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw new Malformed("header " + name + " is given more than once");
    }
    String value = values.get(0) == null ? "" : values.get(0);
    checkCharacters("header " + name, value);
    return Optional.of(value.strip());
  }

  /**
   * The value of {@code key=value} in the body. A body without {@code =} is anything when the
   * header form carries the request ({@code optional}), and malformed otherwise.
   */
  private static Optional<String> bodyValue(String body, String key, boolean optional)
      throws Malformed {
    String text = body.strip();
    int eq = text.indexOf('=');
    if (eq < 0) {
      if (optional) {
        return Optional.empty();
      }
      throw new Malformed("missing '=': send " + key + "=... in the body, or the header");
    }
    if (!text.substring(0, eq).strip().equals(key)) {
      throw new Malformed("the body must be " + key + "=...");
    }
    return Optional.of(text.substring(eq + 1).strip());
  }

  /** {@code archive=X.7z;tables=t1.sql,t2.sql}: both keys, once each, nothing else. */
  private static Map<String, String> restoreItems(String text) throws Malformed {
    Map<String, String> items = new LinkedHashMap<>();
    for (String item : text.split(";", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new Malformed("missing '=': the body is archive=X.7z;tables=t1.sql,t2.sql");
      }
      String key = item.substring(0, eq).strip();
      if (!key.equals("archive") && !key.equals("tables")) {
        throw new Malformed("unknown item in the body: only archive= and tables=, separated"
            + " by ;");
      }
      if (items.put(key, item.substring(eq + 1).strip()) != null) {
        throw new Malformed(key + "= is given twice");
      }
    }
    if (items.size() != 2) {
      throw new Malformed("the body needs both archive= and tables=:"
          + " archive=X.7z;tables=t1.sql,t2.sql");
    }
    return items;
  }

  /** The one value the two forms give; both given and different is malformed. */
  private static String agreeing(String what, Optional<String> header, Optional<String> body,
      String bodyForm) throws Malformed {
    if (header.isPresent() && body.isPresent() && !header.get().equals(body.get())) {
      throw new Malformed("the header and the body disagree on " + what);
    }
    return header.or(() -> body).orElseThrow(() -> new Malformed("no " + what + ": send the"
        + " header " + what + ", or the body " + bodyForm));
  }

  private static List<String> names(String list, Pattern form, String what, String rule)
      throws Malformed {
    if (list.isBlank()) {
      throw new Malformed("the list of " + what + "s is empty");
    }
    String[] parts = list.split(",", -1);
    if (parts.length > MAX_TABLES) {
      throw new Malformed("at most " + MAX_TABLES + " " + what + "s in one request");
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String part : parts) {
      String name = part.strip();
      if (name.isEmpty()) {
        throw new Malformed("an empty " + what + " name in the list (two commas, or one at an"
            + " end)");
      }
      if (!form.matcher(name).matches()) {
        throw new Malformed("'" + shown(name) + "' is not a " + what + " name: " + rule);
      }
      if (!seen.add(name)) {
        throw new Malformed(what + " '" + name + "' is named twice");
      }
      names.add(name);
    }
    return names;
  }

  /** The body as UTF-8 text; anything else is malformed. */
  private static String text(byte[] body) throws Malformed {
    if (body == null) {
      return "";
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new Malformed("the body is not UTF-8");
    }
    checkCharacters("the body", text);
    return text;
  }

  /** NUL and other control characters (but ordinary white space) are never part of a request. */
  private static void checkCharacters(String where, String text) throws Malformed {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw new Malformed(where + " holds a NUL byte");
      }
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
        throw new Malformed(where + " holds a control character");
      }
    }
  }

  /** A request that is not the protocol; its message is the reply's {@code error}. */
  private static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }
}
