package dev.restoreflow.activities.mysqltables;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A table's row count and an order-independent checksum of its content, as one SQL query: each
 * row's columns QUOTE()d (NULL stays apart from the text 'NULL') and joined, its CRC32; the sum
 * and the XOR of those over all rows. Computed in the backup's snapshot and again after a load.
 */
final class TableChecksum {

  private TableChecksum() {}

  /** @param columns the table's columns in their order, as the server names them */
  static String query(String database, String table, List<String> columns) {
    String row = "CONCAT_WS('|', " + columns.stream().map(c -> "QUOTE(" + TableNames.quoted(c)
        + ")").collect(Collectors.joining(", ")) + ")";
    return "SELECT COUNT(*), COALESCE(SUM(CRC32(" + row + ")), 0), COALESCE(BIT_XOR(CRC32("
        + row + ")), 0) FROM " + TableNames.quoted(database) + "." + TableNames.quoted(table);
  }

  static String columnsQuery(String database, String table) {
    return "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '"
        + database + "' AND TABLE_NAME = '" + table + "' ORDER BY ORDINAL_POSITION";
  }

  /** The query's one result row ({@code count \t sum \t xor}) as rows and the checksum text. */
  static Counted parse(String line) {
    String[] parts = line.strip().split("\t");
    if (parts.length != 3 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")
        || !parts[2].matches("\\d+")) {
      throw new IllegalStateException("unexpected checksum result '" + line.strip() + "'");
    }
    return new Counted(Long.parseLong(parts[0]), "crc32:sum=" + parts[1] + ",xor=" + parts[2]);
  }

  record Counted(long rows, String checksum) {}
}
