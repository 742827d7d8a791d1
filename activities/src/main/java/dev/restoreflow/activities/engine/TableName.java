package dev.restoreflow.activities.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A table named for a selective restore ({@code restore --tables}): {@code table} or
 * {@code schema.table}, each part a plain identifier as PostgreSQL stores it (not folded to
 * lower case, never quoted).
 *
 * @param schema null when not given: the one schema of the backup with that table
 */
public record TableName(String schema, String table) {

  /** What an unquoted identifier may be, at most PostgreSQL's 63 bytes. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
  /** More tables than this in one restore: restore the whole database. */
  public static final int MAX = 200;

  /** @throws IllegalArgumentException saying what a table name may be */
  public static TableName parse(String text) {
    String[] parts = text == null ? new String[0] : text.strip().split("\\.", -1);
    if (parts.length < 1 || parts.length > 2 || !identifier(parts[0])
        || (parts.length == 2 && !identifier(parts[1]))) {
      throw new IllegalArgumentException("table " + BackupNames.shown(text) + " is not a table"
          + " name restoreflow restores: table or schema.table, each a letter or _ then letters,"
          + " digits, _ or $ (as PostgreSQL has them: case counts, no quotes)");
    }
    return parts.length == 1 ? new TableName(null, parts[0]) : new TableName(parts[0], parts[1]);
  }

  /** Every name parsed, duplicates dropped, order kept. */
  public static List<TableName> parseAll(List<String> texts) {
    if (texts == null || texts.isEmpty()) {
      throw new IllegalArgumentException("tables: name at least one table");
    }
    if (texts.size() > MAX) {
      throw new IllegalArgumentException("tables: " + texts.size() + " tables; at most " + MAX
          + " in one restore (restore the whole database instead)");
    }
    LinkedHashSet<TableName> names = new LinkedHashSet<>();
    for (String text : texts) {
      names.add(parse(text));
    }
    return new ArrayList<>(names);
  }

  @Override
  public String toString() {
    return schema == null ? table : schema + "." + table;
  }

  private static boolean identifier(String part) {
    return IDENTIFIER.matcher(part).matches();
  }
}
