package dev.restoreflow.activities.mysqltables;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a clone or drill of a mysqltables instance restores: a scratch database on the instance's
 * own server, never the instance's database nor its restores' {@code <db>_restoreflow}. It is
 * created with the comment {@code restoreflow scratch <name>} (MariaDB 10.5+ keeps a database's
 * comment): only a database with that comment is ever dropped or rebuilt, so a name that happens
 * to be taken is refused, not overwritten.
 */
final class ScratchSchema {

  /** Database names restoreflow creates: no quoting games; MariaDB allows 64 characters. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** What the server has at the scratch name. */
  enum State { ABSENT, OURS, OTHER }

  private final String name;

  private ScratchSchema(String name) {
    this.name = name;
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the name
   */
  static ScratchSchema of(String name, MysqlTablesConfig config) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("scratch database '" + name + "' is not a database"
          + " name restoreflow restores into (letters, digits, _; at most 64; not starting with"
          + " a digit)");
    }
    if (name.equalsIgnoreCase(config.database())
        || name.equalsIgnoreCase(TableLoader.scratch(config.database()))) {
      throw new IllegalArgumentException("scratch database '" + name + "' is the instance's own"
          + " database or its restores' " + TableLoader.scratch(config.database()) + "; a clone"
          + " or drill never restores into those");
    }
    return new ScratchSchema(name);
  }

  String name() {
    return name;
  }

  String quoted() {
    return TableNames.quoted(name);
  }

  String marker() {
    return "restoreflow scratch " + name;
  }

  State state(SqlSession session) throws IOException {
    List<String> rows = session.query("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA"
        + " WHERE SCHEMA_NAME = '" + name + "'", LiveTables.QUICK);
    if (rows.isEmpty()) {
      return State.ABSENT;
    }
    return LiveTables.unescaped(rows.get(0)).equals(marker()) ? State.OURS : State.OTHER;
  }

  /** @throws NotOursException when a database of the name exists that restoreflow did not make */
  void requireFreeOrOurs(SqlSession session) throws IOException {
    if (state(session) == State.OTHER) {
      throw new NotOursException("database " + name + " exists and is not a scratch database"
          + " restoreflow made (no comment '" + marker() + "'); a clone or drill never"
          + " overwrites it: choose another scratch database (instances.N.scratch.database, or"
          + " the request's into.database) or drop it yourself");
    }
  }

  /** Drops what an earlier attempt left (ours only: checked first) and creates it anew. */
  void recreate(SqlSession session) throws IOException {
    requireFreeOrOurs(session);
    session.execute("DROP DATABASE IF EXISTS " + quoted(), LiveTables.QUICK);
    session.execute("CREATE DATABASE " + quoted() + " COMMENT '" + marker() + "'",
        LiveTables.QUICK);
  }

  /** A database in the way of a scratch restore that restoreflow did not make. */
  static final class NotOursException extends IOException {
    NotOursException(String message) {
      super(message);
    }
  }
}
