package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.pgdump.ClusterGlobals.DatabaseInfo;
import dev.restoreflow.activities.pgdump.ClusterGlobals.Membership;
import dev.restoreflow.activities.pgdump.ClusterGlobals.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts an every-database backup's globals back, in one transaction that any error rolls back
 * (nothing is ignored): roles the cluster lacks are created, roles it has are given the backup's
 * attributes and role-wide settings, memberships are granted. Roles the backup does not have are
 * left alone, and so is the role restoreflow connects as (it would be demoting itself). Each
 * restored database then gets its owner and the settings kept for it, before it is swapped in.
 *
 * <p>The SQL goes to psql on its standard input, never on a command line (password hashes), and
 * psql reports errors tersely, without echoing the statement.
 */
final class GlobalsRestorer {

  private final DatabaseClient client;

  GlobalsRestorer(DatabaseClient client) {
    this.client = client;
  }

  /** @return what was done, for the step's detail */
  String apply(ClusterGlobals globals) throws IOException {
    try (PsqlSession session = open()) {
      String me = session.value("select current_user;");
      ClusterGlobals now = ClusterGlobals.read(session);
      List<String> sql = new ArrayList<>();
      int created = 0;
      int updated = 0;
      for (Role role : globals.roles()) {
        if (role.name().equals(me)) {
          continue;
        }
        Role existing = now.role(role.name());
        boolean exists = existing != null;
        sql.add((exists ? "ALTER ROLE " : "CREATE ROLE ") + quote(role.name()) + " WITH "
            + role.attributes(globals.passwords(), existing) + ";");
        sql.add("ALTER ROLE " + quote(role.name()) + " RESET ALL;");
        for (String entry : globals.settingsOf(role.name(), null)) {
          sql.add("ALTER ROLE " + quote(role.name()) + " SET "
              + SettingValues.assignment(entry) + ";");
        }
        if (exists) {
          updated++;
        } else {
          created++;
        }
      }
      int granted = 0;
      for (Membership m : globals.memberships()) {
        Membership held = now.memberships().stream().filter(h -> h.role().equals(m.role())
            && h.member().equals(m.member())).findFirst().orElse(null);
        if (held == null || (m.adminOption() && !held.adminOption())) {
          sql.add("GRANT " + quote(m.role()) + " TO " + quote(m.member())
              + (m.adminOption() ? " WITH ADMIN OPTION" : "") + ";");
          granted++;
        }
      }
      session.query("BEGIN;\n" + String.join("\n", sql) + "\nCOMMIT;");
      long others = now.roles().stream().filter(r -> globals.role(r.name()) == null).count();
      return "roles: " + created + " created, " + updated + " set as at the backup"
          + (globals.passwords() ? "" : " (the backup has no password hashes: passwords kept)")
          + ", " + granted + " membership(s) granted; " + me + " (restoreflow's own) and "
          + others + " role(s) the backup does not have left as they are";
    }
  }

  /**
   * The owner and settings the backup kept for {@code database}, given to {@code building}
   * (the database that will take its name: settings follow a database through a rename).
   */
  void applyToDatabase(ClusterGlobals globals, String database, String building)
      throws IOException {
    List<String> sql = new ArrayList<>();
    DatabaseInfo info = globals.database(database);
    if (info != null) {
      sql.add("ALTER DATABASE " + quote(building) + " OWNER TO " + quote(info.owner()) + ";");
    }
    for (String entry : globals.settingsOf(null, database)) {
      sql.add("ALTER DATABASE " + quote(building) + " SET " + SettingValues.assignment(entry)
          + ";");
    }
    for (ClusterGlobals.Setting s : globals.settings()) {
      if (s.role() != null && database.equals(s.database()) && s.config() != null) {
        for (String entry : s.config()) {
          sql.add("ALTER ROLE " + quote(s.role()) + " IN DATABASE " + quote(building) + " SET "
              + SettingValues.assignment(entry) + ";");
        }
      }
    }
    try (PsqlSession session = open()) {
      session.query("BEGIN;\n" + String.join("\n", sql) + "\nCOMMIT;");
    }
  }

  /**
   * The cluster's globals now hold the backup's: every role (but restoreflow's own) with its
   * attributes, password and role-wide settings, every membership; {@code databases} maps each
   * restored database to the name it has now, whose owner and settings are checked too.
   *
   * @throws DumpRestorer.RestoreMismatchException naming what differs
   */
  String verify(ClusterGlobals backup, java.util.Map<String, String> databases)
      throws IOException {
    ClusterGlobals now;
    String me;
    try (PsqlSession session = open()) {
      me = session.value("select current_user;");
      now = ClusterGlobals.read(session);
    }
    List<String> problems = new ArrayList<>();
    int roles = 0;
    for (Role role : backup.roles()) {
      if (role.name().equals(me)) {
        continue;
      }
      roles++;
      if (!role.sameAs(now.role(role.name()), backup.passwords())) {
        problems.add("role " + role.name() + " is not as at the backup");
      } else if (!sorted(backup.settingsOf(role.name(), null))
          .equals(sorted(now.settingsOf(role.name(), null)))) {
        problems.add("role " + role.name() + "'s settings are " + now.settingsOf(role.name(),
            null) + ", the backup's " + backup.settingsOf(role.name(), null));
      }
    }
    for (Membership m : backup.memberships()) {
      boolean held = now.memberships().stream().anyMatch(h -> h.role().equals(m.role())
          && h.member().equals(m.member()) && (h.adminOption() || !m.adminOption()));
      if (!held) {
        problems.add(m.member() + " is not a member of " + m.role()
            + (m.adminOption() ? " with admin option" : ""));
      }
    }
    for (var entry : databases.entrySet()) {
      String database = entry.getKey();
      String current = entry.getValue();
      DatabaseInfo was = backup.database(database);
      DatabaseInfo is = now.database(current);
      if (was != null && (is == null || !Objects.equals(was.owner(), is.owner()))) {
        problems.add("database " + database + "'s owner is " + (is == null ? "unknown"
            : is.owner()) + ", the backup's " + was.owner());
      }
      if (!sorted(backup.settingsOf(null, database)).equals(sorted(now.settingsOf(null,
          current)))) {
        problems.add("database " + database + "'s settings differ from the backup's");
      }
    }
    if (!problems.isEmpty()) {
      throw new DumpRestorer.RestoreMismatchException("the cluster's globals differ from the"
          + " backup's: " + String.join("; ", problems.subList(0, Math.min(5,
              problems.size()))));
    }
    return roles + " role(s) and " + backup.memberships().size() + " membership(s) as at the"
        + " backup";
  }

  private PsqlSession open() throws IOException {
    PsqlSession session = PsqlSession.open(client, "template1");
    session.query("\\set VERBOSITY terse\nSET standard_conforming_strings = on;");
    return session;
  }

  private static List<String> sorted(List<String> entries) {
    return entries.stream().sorted().toList();
  }

  private static String quote(String identifier) {
    return PgTools.quote(identifier);
  }
}
