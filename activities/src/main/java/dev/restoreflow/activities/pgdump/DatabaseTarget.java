package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.model.RestoreTarget;
import java.io.IOException;
import java.util.List;

/**
 * What a logical restore replaces: the instance's database, where it lives, its size and the
 * sessions open in it (the swap waits for them to end). Read from {@code template1}, which every
 * cluster has, so that a database that was dropped is reported rather than failed on. Reads only;
 * what cannot be read is said in the note, never thrown.
 */
final class DatabaseTarget {

  private DatabaseTarget() {}

  static RestoreTarget read(HostStep step) {
    PgDumpConfig config = step.instance().settings(PgDumpConfig.class);
    String database = config.database();
    String where = config.allDatabases() ? "every database" : "database " + database;
    DatabaseClient client;
    try {
      client = DatabaseClient.of(step);
    } catch (RuntimeException e) {
      return RestoreTarget.unread(step.host(), where, "its container was not found: "
          + e.getMessage());
    }
    where += client.inContainer() ? " in " + client.where()
        : " at " + step.instance().connectHost() + ":" + step.instance().port();
    try (PsqlSession session = PsqlSession.open(client, "template1")) {
      List<String> rows = session.query(config.allDatabases() ? allSizesAndSessions()
          : sizeAndSessions(database));
      if (rows.isEmpty()) {
        return new RestoreTarget(step.host(), where, true, 0, 0,
            "database " + database + " does not exist: the restore creates it");
      }
      String[] fields = rows.get(0).split("\\|");
      return new RestoreTarget(step.host(), where, true, Long.parseLong(fields[0]),
          Integer.parseInt(fields[1]), null);
    } catch (IOException | RuntimeException e) {
      return RestoreTarget.unread(step.host(), where, "PostgreSQL did not answer there: "
          + e.getMessage());
    }
  }

  /** One row, size|sessions, of every database but the templates. */
  static String allSizesAndSessions() {
    return "select coalesce(sum(pg_database_size(d.oid)), 0), (select count(*) from"
        + " pg_stat_activity a join pg_database s on s.datname = a.datname"
        + " where not s.datistemplate and a.backend_type = 'client backend'"
        + " and a.pid <> pg_backend_pid()) from pg_database d where not d.datistemplate;";
  }

  /** One row, size|sessions, when the database exists; none when it does not. */
  static String sizeAndSessions(String database) {
    String name = "'" + database.replace("'", "''") + "'";
    return "select pg_database_size(d.oid), (select count(*) from pg_stat_activity a"
        + " where a.datname = d.datname and a.backend_type = 'client backend'"
        + " and a.pid <> pg_backend_pid())"
        + " from pg_database d where d.datname = " + name + ";";
  }
}
