package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.engine.BackupNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tables a backup or restore names: plain MySQL identifiers, given as {@code orders} or as
 * the archive's file name {@code orders.sql}. Each becomes a file name in the archive and part
 * of SQL statements, so nothing else is allowed: no quotes, {@code /}, {@code ..}, spaces.
 */
final class TableNames {

  /** A letter or _ first; at most 40, leaving room for {@code _before_YYYYMMDD_HHMMSS}. */
  static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,39}");
  static final String FILE_SUFFIX = ".sql";
  static final int MAX = 200;

  private TableNames() {}

  /** @throws IllegalArgumentException saying what a table name may be */
  static String parse(String text) {
    String name = text == null ? null : text.strip();
    if (name != null && name.endsWith(FILE_SUFFIX)) {
      name = name.substring(0, name.length() - FILE_SUFFIX.length());
    }
    if (name == null || !TABLE.matcher(name).matches()) {
      throw new IllegalArgumentException("table " + BackupNames.shown(text) + " is not a table"
          + " name restoreflow backs up: a letter or _ then letters, digits, _ or $, at most 40"
          + " (optionally as its file name, e.g. orders.sql)");
    }
    return name;
  }

  /** Every name parsed, duplicates dropped, order kept. */
  static List<String> parseAll(List<String> texts) {
    if (texts == null || texts.isEmpty()) {
      throw new IllegalArgumentException("tables: name at least one table, e.g. orders,items");
    }
    if (texts.size() > MAX) {
      throw new IllegalArgumentException("tables: " + texts.size() + " tables; at most " + MAX);
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String text : texts) {
      names.add(parse(text));
    }
    return new ArrayList<>(names);
  }

  static String file(String table) {
    return table + FILE_SUFFIX;
  }

  /** {@code `name`}: only for names {@link #TABLE} allows, or names read from the server. */
  static String quoted(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
