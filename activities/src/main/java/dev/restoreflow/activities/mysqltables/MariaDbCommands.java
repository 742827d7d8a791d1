package dev.restoreflow.activities.mysqltables;

import java.util.ArrayList;
import java.util.List;

/** The mariadb and mariadb-dump command lines (argv; the credentials in the option file). */
final class MariaDbCommands {

  private MariaDbCommands() {}

  /** A client held open over stdin, statements in, tab-separated rows out, flushed per query. */
  static List<String> session(MysqlTablesConfig config, OptionFile options, String database) {
    return List.of(config.tool("mariadb"), options.option(), "--batch", "--skip-column-names",
        "--unbuffered", "--default-character-set=utf8mb4", "--database=" + database);
  }

  /** A client that runs a dump file (its stdin) in {@code database}. */
  static List<String> load(MysqlTablesConfig config, OptionFile options, String database) {
    return List.of(config.tool("mariadb"), options.option(), "--batch",
        "--default-character-set=utf8mb4", "--database=" + database);
  }

  /**
   * ONE run for all tables, in one transaction ({@code --single-transaction}: its snapshot is
   * taken before the first table), without table locks, tablespaces or triggers (a trigger
   * cannot move between databases, which the restore does); binary columns as hex; each table
   * opened by mariadb-dump's comment marker, which {@link DumpSplitter} splits at.
   */
  static List<String> dump(MysqlTablesConfig config, OptionFile options, List<String> tables) {
    List<String> argv = new ArrayList<>(List.of(config.tool("mariadb-dump"), options.option(),
        "--single-transaction", "--skip-lock-tables", "--no-tablespaces", "--skip-triggers",
        "--comments", "--tz-utc", "--hex-blob", "--default-character-set=utf8mb4",
        config.database()));
    argv.addAll(tables);
    return argv;
  }
}
