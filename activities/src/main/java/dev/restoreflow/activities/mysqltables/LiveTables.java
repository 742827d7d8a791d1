package dev.restoreflow.activities.mysqltables;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What a session reads about tables: which exist, and each one's rows and checksum. */
final class LiveTables {

  static final Duration QUICK = Duration.ofMinutes(2);
  /** A checksum reads the whole table. */
  static final Duration SCAN = Duration.ofHours(6);

  private LiveTables() {}

  /** Every base table of {@code database}, by name. */
  static List<String> all(SqlSession session, String database) throws IOException {
    return session.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
        + database + "' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", QUICK);
  }

  /** The base tables of {@code database} among {@code tables}. */
  static List<String> existing(SqlSession session, String database, List<String> tables)
      throws IOException {
    return session.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
        + database + "' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME IN (" + tables.stream()
            .map(t -> "'" + t + "'").collect(Collectors.joining(", ")) + ")", QUICK);
  }

  /** {@code tables} that {@code database} lacks, in their order. */
  static List<String> missing(SqlSession session, String database, List<String> tables)
      throws IOException {
    List<String> existing = existing(session, database, tables);
    List<String> missing = new ArrayList<>(tables);
    missing.removeAll(existing);
    return missing;
  }

  /**
   * Foreign keys of {@code database} that involve {@code tables} (on them, or from them), as
   * {@code table -> referenced} lines: a swap by RENAME would leave them pointing at the former
   * tables or at the scratch database.
   */
  static List<String> foreignKeys(SqlSession session, String database, List<String> tables)
      throws IOException {
    String names = tables.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
    return session.query("SELECT DISTINCT CONCAT(TABLE_NAME, ' -> ', REFERENCED_TABLE_SCHEMA, '.',"
        + " REFERENCED_TABLE_NAME) FROM information_schema.KEY_COLUMN_USAGE WHERE"
        + " REFERENCED_TABLE_NAME IS NOT NULL AND ((TABLE_SCHEMA = '" + database + "' AND"
        + " TABLE_NAME IN (" + names + ")) OR (REFERENCED_TABLE_SCHEMA = '" + database + "' AND"
        + " REFERENCED_TABLE_NAME IN (" + names + ")))", QUICK);
  }

  /** The table's rows and checksum as the session sees it (in its snapshot, if it has one). */
  static TableChecksum.Counted count(SqlSession session, String database, String table)
      throws IOException {
    List<String> columns = session.query(TableChecksum.columnsQuery(database, table), QUICK)
        .stream().map(LiveTables::unescaped).toList();
    if (columns.isEmpty()) {
      throw new IOException("table " + database + "." + table + " does not exist");
    }
    List<String> result = session.query(TableChecksum.query(database, table, columns), SCAN);
    if (result.size() != 1) {
      throw new IOException("checksum of " + database + "." + table + " returned "
          + result.size() + " rows");
    }
    return TableChecksum.parse(result.get(0));
  }

  /** A value as the batch client writes it: \t \n \\ escaped. */
  static String unescaped(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char next = value.charAt(++i);
        out.append(switch (next) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case '0' -> '\0';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
