package dev.restoreflow.activities.pgdump;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a clone or drill of a pgdump instance restores: scratch databases in the instance's own
 * cluster, never the instance's databases. A one-database backup becomes the scratch database
 * itself. An every-database backup becomes {@code <scratch>_<database>} for each of its databases,
 * except the instance's own {@code database} (the one restoreflow connects to, where the drill's
 * VerifyCluster and smoke queries run), which becomes the scratch database itself; when the backup
 * does not hold that database, the scratch database is created empty for them (its globals are read and checked but not applied: roles are the cluster's, and a scratch
 * restore neither changes them nor restores owners and privileges). Each scratch database carries
 * the comment {@code restoreflow scratch <scratch>}: only a database with that comment is ever
 * dropped or rebuilt, so a name that happens to be taken is refused, not overwritten.
 */
final class ScratchDatabases {

  /** PostgreSQL's longest identifier. */
  static final int MAX_NAME = 63;

  private final String scratch;
  /** The instance's database: an every-database backup's copy of it is the scratch itself. */
  private final String own;

  private ScratchDatabases(String scratch, String own) {
    this.scratch = scratch;
    this.own = own;
  }

  /**
   * The scratch place of a clone or drill, checked against the instance's database.
   *
   * @throws IllegalArgumentException saying what is wrong with the name
   */
  static ScratchDatabases of(String scratch, PgDumpConfig config) {
    if (scratch == null || !PgDumpSettings.DATABASE.matcher(scratch).matches()) {
      throw new IllegalArgumentException("scratch database '" + scratch + "' is not a database"
          + " name restoreflow restores into (letters, digits, _; at most 36; not starting with"
          + " a digit)");
    }
    if (scratch.equals(config.database()) || ClusterDatabases.isRestoreflowsOwn(scratch)) {
      throw new IllegalArgumentException("scratch database '" + scratch + "' is the instance's"
          + " own database or one of its restores' copies; a clone or drill never restores over"
          + " those");
    }
    return new ScratchDatabases(scratch, config.database());
  }

  String scratch() {
    return scratch;
  }

  /** The comment that marks a database as this scratch place's. */
  String marker() {
    return "restoreflow scratch " + scratch;
  }

  /** The scratch database {@code part} of {@code backup} restores into. */
  String nameFor(DumpMeta backup, DumpMeta part) {
    return backup.allDatabases() && !part.database().equals(own)
        ? scratch + "_" + part.database() : scratch;
  }

  /**
   * Whether the restore of {@code backup} creates the scratch database itself empty: an
   * every-database backup without the instance's database.
   */
  boolean needsEmptyScratch(DumpMeta backup) {
    return backup.allDatabases() && backup.part(own).isEmpty();
  }

  /**
   * Every scratch database a restore of {@code backup} builds, checked: not longer than PostgreSQL
   * allows, and none of them a database the backup itself restores.
   *
   * @throws IllegalArgumentException naming the name that does not fit
   */
  List<String> names(DumpMeta backup) {
    List<String> names = new ArrayList<>();
    for (DumpMeta part : backup.parts()) {
      String name = nameFor(backup, part);
      if (name.length() > MAX_NAME) {
        throw new IllegalArgumentException("scratch database " + name + " (for database "
            + part.database() + " of backup " + backup.id() + ") is longer than PostgreSQL's "
            + MAX_NAME + " characters; choose a shorter scratch database name");
      }
      if (backup.parts().stream().anyMatch(p -> name.equals(p.database()))) {
        throw new IllegalArgumentException("scratch database " + name + " is a database of backup "
            + backup.id() + " itself; choose another scratch database name");
      }
      names.add(name);
    }
    if (needsEmptyScratch(backup)) {
      names.add(0, scratch);
    }
    return names;
  }

  /**
   * Each of {@code names} is free, or a scratch database of this place (a leftover of an earlier
   * clone or drill, rebuilt). Reads only.
   *
   * @throws NotOursException naming a database that exists and is not ours
   */
  void requireFreeOrOurs(PsqlSession template1, List<String> names) throws IOException {
    for (String name : names) {
      List<String> rows = template1.query("select coalesce(shobj_description(oid,"
          + " 'pg_database'), '') from pg_database where datname = " + PgTools.literal(name)
          + ";");
      if (!rows.isEmpty() && !rows.get(0).equals(marker())) {
        throw new NotOursException("database " + name + " exists and is not a scratch database"
            + " restoreflow made (no comment '" + marker() + "'); a clone or drill never"
            + " overwrites it: choose another scratch database (instances.N.scratch.database, or"
            + " the request's into.database) or drop it yourself");
      }
    }
  }

  /** The databases of this scratch place that exist now: marked with its comment. */
  List<String> existing(PsqlSession template1) throws IOException {
    return template1.query("select datname from pg_database where shobj_description(oid,"
        + " 'pg_database') = " + PgTools.literal(marker()) + " order by 1;").stream()
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Whether the scratch database's own name is taken by a database that is not ours. */
  boolean takenByOther(PsqlSession template1) throws IOException {
    List<String> rows = template1.query("select coalesce(shobj_description(oid, 'pg_database'),"
        + " '') from pg_database where datname = " + PgTools.literal(scratch) + ";");
    return !rows.isEmpty() && !rows.get(0).equals(marker());
  }

  /** A database in the way of a scratch restore that restoreflow did not make. */
  static final class NotOursException extends IOException {
    NotOursException(String message) {
      super(message);
    }
  }
}
