package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an every-database backup keeps beside the databases' dumps ({@code globals.json}): the
 * roles with their attributes and password hashes, who is a member of whom, the settings of roles
 * and databases, and each database's owner, encoding and locale. Read from the catalogs as data,
 * not as SQL: a restore writes the SQL itself from checked names and quoted values, so whoever
 * can write the repository cannot smuggle a statement in through this file.
 *
 * @param passwords whether the password hashes were readable (pg_authid needs a superuser);
 *     without them, roles are restored without passwords and existing ones keep theirs
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ClusterGlobals(List<Role> roles, List<Membership> memberships, List<Setting> settings,
    List<DatabaseInfo> databases, boolean passwords) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A setting's name is written into SQL as it is: letters, digits, _ and . (custom ones). */
  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.]{0,62}");

  ClusterGlobals {
    roles = List.copyOf(roles);
    memberships = List.copyOf(memberships);
    settings = List.copyOf(settings);
    databases = List.copyOf(databases);
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Role(String name, boolean superuser, boolean inherit, boolean createRole,
      boolean createDb, boolean login, boolean replication, boolean bypassRls,
      int connectionLimit, String validUntil, String password) {

    /**
     * The attributes as CREATE ROLE and ALTER ROLE take them. A role without an expiry gets no
     * VALID UNTIL (SQL cannot give an expiry back to NULL; an existing role that has one gets
     * 'infinity', which means the same).
     *
     * @param existing the role as the cluster has it now; null when it is created
     */
    String attributes(boolean withPassword, Role existing) {
      String validity = validUntil != null ? " VALID UNTIL " + PgTools.literal(validUntil)
          : existing != null && existing.validUntil() != null ? " VALID UNTIL 'infinity'" : "";
      return (superuser ? "SUPERUSER" : "NOSUPERUSER") + (inherit ? " INHERIT" : " NOINHERIT")
          + (createRole ? " CREATEROLE" : " NOCREATEROLE")
          + (createDb ? " CREATEDB" : " NOCREATEDB") + (login ? " LOGIN" : " NOLOGIN")
          + (replication ? " REPLICATION" : " NOREPLICATION")
          + (bypassRls ? " BYPASSRLS" : " NOBYPASSRLS") + " CONNECTION LIMIT " + connectionLimit
          + validity + (withPassword ? " PASSWORD " + (password == null ? "NULL"
              : PgTools.literal(password)) : "");
    }

    /** The same role as far as a restore sets it ({@code password} only when both have one). */
    boolean sameAs(Role other, boolean comparePasswords) {
      return other != null && superuser == other.superuser && inherit == other.inherit
          && createRole == other.createRole && createDb == other.createDb
          && login == other.login && replication == other.replication
          && bypassRls == other.bypassRls && connectionLimit == other.connectionLimit
          && sameExpiry(validUntil, other.validUntil)
          && (!comparePasswords || java.util.Objects.equals(password, other.password));
    }
  }

  private static boolean sameExpiry(String a, String b) {
    return java.util.Objects.equals(a == null ? "infinity" : a, b == null ? "infinity" : b);
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Membership(String role, String member, boolean adminOption) {}

  /**
   * {@code ALTER ROLE role [IN DATABASE database] SET ...}, or for a null role {@code ALTER
   * DATABASE database SET ...}; {@code config} as pg_db_role_setting has it, {@code name=value}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Setting(String role, String database, List<String> config) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record DatabaseInfo(String name, String owner, String encoding, String collate, String ctype,
      String localeProvider, String iculocale) {}

  /** Reads the globals in {@code session} (any database: these catalogs are shared). */
  static ClusterGlobals read(PsqlSession session) throws IOException {
    boolean superuser = "t".equals(session.value(
        "select rolsuper from pg_roles where rolname = current_user;"));
    String password = superuser
        ? "(select a.rolpassword from pg_authid a where a.oid = r.oid)" : "null::text";
    List<Role> roles = list(session, "select jsonb_build_object('name', r.rolname, 'superuser',"
        + " r.rolsuper, 'inherit', r.rolinherit, 'createRole', r.rolcreaterole, 'createDb',"
        + " r.rolcreatedb, 'login', r.rolcanlogin, 'replication', r.rolreplication, 'bypassRls',"
        + " r.rolbypassrls, 'connectionLimit', r.rolconnlimit, 'validUntil',"
        + " to_char(r.rolvaliduntil at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
        + " 'password', " + password + ") j from pg_roles r where r.rolname !~ '^pg_'"
        + " order by r.rolname", new TypeReference<>() {});
    List<Membership> memberships = list(session, "select jsonb_build_object('role', r.rolname,"
        + " 'member', m.rolname, 'adminOption', a.admin_option) j from pg_auth_members a"
        + " join pg_roles r on r.oid = a.roleid join pg_roles m on m.oid = a.member"
        + " where m.rolname !~ '^pg_' order by r.rolname, m.rolname", new TypeReference<>() {});
    List<Setting> settings = list(session, "select jsonb_build_object('role', r.rolname,"
        + " 'database', d.datname, 'config', s.setconfig) j from pg_db_role_setting s"
        + " left join pg_roles r on r.oid = s.setrole left join pg_database d"
        + " on d.oid = s.setdatabase where (s.setrole = 0 or r.rolname is not null)"
        + " and (s.setdatabase = 0 or d.datname is not null) order by r.rolname, d.datname",
        new TypeReference<>() {});
    // to_jsonb(d) reads the locale provider where the server has one (15 and later)
    List<DatabaseInfo> databases = list(session, "select jsonb_build_object('name', d.datname,"
        + " 'owner', pg_get_userbyid(d.datdba), 'encoding', pg_encoding_to_char(d.encoding),"
        + " 'collate', d.datcollate, 'ctype', d.datctype, 'localeProvider',"
        + " to_jsonb(d)->>'datlocprovider', 'iculocale', coalesce(to_jsonb(d)->>'daticulocale',"
        + " to_jsonb(d)->>'datlocale')) j from pg_database d where not d.datistemplate"
        + " order by d.datname", new TypeReference<>() {});
    return new ClusterGlobals(roles, memberships, settings, databases, superuser);
  }

  private static <T> List<T> list(PsqlSession session, String select, TypeReference<List<T>> type)
      throws IOException {
    String json = session.value("select coalesce(jsonb_agg(j), '[]'::jsonb)::text from ("
        + select + ") x;");
    return JSON.readValue(json, type);
  }

  byte[] toJson() throws IOException {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
  }

  /**
   * Parses a globals file from a repository, which is untrusted: every name must be one that
   * SQL can quote (no NUL or control characters, at most 63 bytes), every setting's name plain.
   */
  static ClusterGlobals parse(byte[] json) throws IOException {
    ClusterGlobals globals;
    try {
      globals = JSON.readValue(json, ClusterGlobals.class);
    } catch (IOException | RuntimeException e) {
      throw new IOException("the globals file is not readable: " + e.getMessage());
    }
    if (globals.roles() == null || globals.memberships() == null || globals.settings() == null
        || globals.databases() == null) {
      throw new IOException("the globals file lacks roles, memberships, settings or databases");
    }
    for (Role role : globals.roles()) {
      checkName(role.name());
      checkText(role.password());
      checkText(role.validUntil());
    }
    for (Membership m : globals.memberships()) {
      checkName(m.role());
      checkName(m.member());
    }
    for (Setting s : globals.settings()) {
      if (s.role() != null) {
        checkName(s.role());
      }
      if (s.database() != null) {
        checkName(s.database());
      }
      for (String entry : s.config() == null ? List.<String>of() : s.config()) {
        int eq = entry == null ? -1 : entry.indexOf('=');
        if (eq < 1 || !SETTING_NAME.matcher(entry.substring(0, eq)).matches()) {
          throw new IOException("the globals file has a setting that is not name=value");
        }
        checkText(entry);
      }
    }
    for (DatabaseInfo d : globals.databases()) {
      checkName(d.name());
      checkName(d.owner());
      checkText(d.encoding());
      checkText(d.collate());
      checkText(d.ctype());
      checkText(d.localeProvider());
      checkText(d.iculocale());
    }
    return globals;
  }

  private static void checkName(String name) throws IOException {
    if (name == null || name.isEmpty()
        || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
      throw new IOException("the globals file has a name that is not one PostgreSQL gives");
    }
    checkText(name);
  }

  private static void checkText(String text) throws IOException {
    if (text != null && text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IOException("the globals file has a value with control characters");
    }
  }

  Role role(String name) {
    return roles.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  DatabaseInfo database(String name) {
    return databases.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
  }

  /** The settings of {@code role} everywhere (null: of databases), {@code database} null. */
  List<String> settingsOf(String role, String database) {
    return settings.stream().filter(s -> java.util.Objects.equals(s.role(), role)
        && java.util.Objects.equals(s.database(), database))
        .flatMap(s -> s.config() == null ? java.util.stream.Stream.<String>empty()
            : s.config().stream()).toList();
  }
}
