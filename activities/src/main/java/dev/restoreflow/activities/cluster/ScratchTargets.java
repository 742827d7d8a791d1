package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.ScratchConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RestoreInto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a clone or a drill restores: the scratch target of a request ({@link RestoreInto}),
 * resolved against the instance's {@code scratch} config and checked by one set of rules, for the
 * request resolver (on the server) and again for every host step (on the host worker, against
 * its own config): a scratch directory lies strictly under the scratch root and never on, in or
 * above a configured data directory; a scratch port is not the instance's; a scratch database is
 * a plain name other than the instance's database.
 */
public final class ScratchTargets {

  /** A scratch database's name: lower case, as PostgreSQL and MariaDB take it unquoted. */
  public static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /**
   * The characters of a scratch path: it is written into postgresql.auto.conf and given to
   * pg_ctl, so nothing that needs quoting.
   */
  public static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._+/-]*");
  /** {@code <dir>/.s.PGSQL.<port>} must fit a unix socket address (108 bytes with its NUL). */
  private static final int SOCKET_PATH_MAX = 107;

  private ScratchTargets() {}

  /**
   * {@link #resolve(String, InstanceConfig, boolean, String, RestoreInto)} for the instance's
   * engine (from the standard registry): a scratch database for an engine that
   * {@code restoresIntoScratchDatabase()}, a scratch directory and port otherwise.
   */
  public static RestoreInto resolve(String instanceName, InstanceConfig instance, String jobId,
      RestoreInto asked) {
    return resolve(instanceName, instance,
        Engines.standard().of(instance).restoresIntoScratchDatabase(), jobId, asked);
  }

  /**
   * The request's scratch target with everything filled in: the directory
   * ({@code <root>/<instance>-<jobId>}), the port (the asked one, else {@code scratch.port}, else
   * the instance's port + 1) for an engine with a data directory; the database (the asked one,
   * else {@code scratch.database}, else {@code <database>_drill}) for an engine that restores
   * into a scratch database.
   *
   * @param intoDatabase the engine's {@code restoresIntoScratchDatabase()}
   * @param asked what the request asked for (null or {@link RestoreInto#anywhere()}: the config
   *     decides everything)
   * @throws RequestRejectedException INVALID_REQUEST: no scratch config, or what was asked
   *     breaks a rule
   */
  public static RestoreInto resolve(String instanceName, InstanceConfig instance,
      boolean intoDatabase, String jobId, RestoreInto asked) {
    ScratchConfig scratch = instance.scratch();
    if (scratch == null) {
      throw rejected("instances." + instanceName + ".scratch is not configured: set scratch.root"
          + " (a directory on the instance's host, owned by its OS user, outside every data"
          + " directory) to clone or drill this instance");
    }
    RestoreInto want = asked == null ? RestoreInto.anywhere() : asked;
    if (intoDatabase) {
      if (want.directory() != null || want.port() != null) {
        throw rejected("instance " + instanceName + " (engine " + instance.engine() + ") restores"
            + " a clone or drill into a scratch database of its own server: give a database,"
            + " not a directory or port");
      }
      String database = want.database() != null ? want.database()
          : scratch.database() != null ? scratch.database()
          : Engines.standard().of(instance).scratchDatabaseBase(instance) + "_drill";
      RestoreInto resolved = new RestoreInto(null, null, database);
      check(instanceName, instance, resolved, List.of(), true);
      return resolved;
    }
    if (want.database() != null) {
      throw rejected("instance " + instanceName + " (engine " + instance.engine() + ") restores"
          + " a clone or drill into a scratch data directory and port: give a directory or a"
          + " port, not a database");
    }
    if (scratch.root() == null) {
      throw rejected("instances." + instanceName + ".scratch.root is not set: a clone or drill"
          + " of engine " + instance.engine() + " needs a directory for its scratch cluster");
    }
    String directory = want.directory() != null ? want.directory()
        : Path.of(scratch.root()).resolve(instanceName + "-" + pathSafe(jobId)).toString();
    Integer port = want.port() != null ? want.port()
        : scratch.port() != null ? scratch.port() : instance.port() + 1;
    RestoreInto resolved = new RestoreInto(directory, port, null);
    check(instanceName, instance, resolved, List.of(), false);
    return resolved;
  }

  /**
   * Checks a resolved scratch target against the instance's config and the data directories of
   * {@code others} (every configured instance on the same host): the rules of
   * {@link #resolve}, for a host step that gets a target from a workflow.
   *
   * @throws RequestRejectedException INVALID_REQUEST naming the broken rule
   */
  public static void check(String instanceName, InstanceConfig instance, RestoreInto into,
      Collection<InstanceConfig> others, boolean intoDatabase) {
    ScratchConfig scratch = instance.scratch();
    if (scratch == null) {
      throw rejected("instances." + instanceName + ".scratch is not configured (in this"
          + " config): set scratch.root to clone or drill this instance");
    }
    if (intoDatabase) {
      String database = into.database();
      if (database == null || !DATABASE.matcher(database).matches()) {
        throw rejected("scratch database '" + database + "' is not a plain name: use lower-case"
            + " letters, digits and _ (" + DATABASE.pattern() + ")");
      }
      if (database.equals(instance.database())) {
        throw rejected("scratch database '" + database + "' is instance " + instanceName
            + "'s own database: a clone or drill never restores over it; choose another name");
      }
      if (into.directory() != null || into.port() != null) {
        throw rejected("a scratch database takes no directory or port");
      }
      return;
    }
    if (into.database() != null) {
      throw rejected("a scratch data directory takes no database");
    }
    if (scratch.root() == null) {
      throw rejected("instances." + instanceName + ".scratch.root is not set");
    }
    Path root = Path.of(scratch.root());
    String directory = into.directory();
    if (directory == null) {
      throw rejected("the scratch target has no directory");
    }
    if (!PATH.matcher(directory).matches()) {
      throw rejected("scratch directory '" + directory + "' must be an absolute path of letters,"
          + " digits and . _ + - / only");
    }
    Path dir = Path.of(directory);
    if (!dir.normalize().toString().equals(directory)) {
      throw rejected("scratch directory '" + directory + "' is not normalized (no . or .."
          + " parts, no double or trailing /): write it as " + dir.normalize());
    }
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw rejected("scratch directory '" + directory + "' is not under instances."
          + instanceName + ".scratch.root (" + root + "): clones and drills restore only into a"
          + " directory below it");
    }
    if (directory.length() + "/.s.PGSQL.65535".length() > SOCKET_PATH_MAX) {
      throw rejected("scratch directory '" + directory + "' is too long for the scratch"
          + " cluster's unix socket (at most " + (SOCKET_PATH_MAX - 15) + " characters)");
    }
    for (InstanceConfig other : withOwn(instance, others)) {
      for (String configured : new String[] {other.pgdata(), other.controlDir()}) {
        if (configured != null && overlaps(dir, Path.of(configured).normalize())) {
          throw rejected("scratch directory '" + directory + "' overlaps the configured data"
              + " directory " + configured + ": a clone or drill never touches a configured"
              + " cluster");
        }
      }
    }
    Integer port = into.port();
    if (port == null || port < 1 || port > 65535) {
      throw rejected("scratch port " + port + " must be 1-65535");
    }
    if (port.equals(instance.port())) {
      throw rejected("scratch port " + port + " is instance " + instanceName + "'s own port:"
          + " the scratch cluster listens beside it; choose another");
    }
  }

  /**
   * The instance as the steps of a clone or drill see it: its scratch directory, port and server
   * log in place of its own (a cluster of its own, run by pg_ctl, never archiving, promoted), or
   * its scratch database.
   */
  public static InstanceConfig scratchInstance(InstanceConfig instance, RestoreInto into) {
    if (into.directory() == null) {
      return new InstanceConfig(instance.engine(), instance.host(), instance.pgdata(),
          instance.controlDir(), instance.systemdUnit(), instance.port(), instance.osUser(),
          instance.pgBin(), instance.serverLog(), instance.connectHost(), into.database(),
          instance.dbUser(), instance.smokeQueries(), instance.keepArchiving(),
          instance.promote(), instance.stopTimeoutSeconds(), instance.startTimeoutSeconds(),
          instance.settings(), instance.restoreHosts(), instance.retention(), instance.scratch(),
          instance.approval());
    }
    return new InstanceConfig(instance.engine(), instance.host(), into.directory(), null, null,
        into.port(), instance.osUser(), instance.pgBin(), serverLog(into), "127.0.0.1",
        instance.database(), instance.dbUser(), instance.smokeQueries(), false, true,
        instance.stopTimeoutSeconds(), instance.startTimeoutSeconds(), instance.settings(),
        instance.restoreHosts(), instance.retention(), instance.scratch(), instance.approval());
  }

  /** The scratch cluster's pg_ctl log: beside its directory, inside the scratch root. */
  public static String serverLog(RestoreInto into) {
    return into.directory() + ".log";
  }

  /** Where tablespaces of a scratch restore go (pgBackRest's --tablespace-map-all). */
  public static String tablespaces(RestoreInto into) {
    return into.directory() + ".tablespaces";
  }

  /** Everything a scratch target may leave on disk, for RemoveScratch: all under the root. */
  public static List<String> leftovers(RestoreInto into) {
    return List.of(into.directory(), serverLog(into), tablespaces(into),
        into.directory() + UnfinishedRestore.SUFFIX);
  }

  /**
   * What the checks of {@link #check} said of the paths' text, checked for what they are on the
   * host: the scratch directory with every link followed ({@code realpath -m}: parts that do not
   * exist yet are taken as written) still lies strictly under the scratch root, resolved the
   * same way, and outside every data directory of the host's instances, resolved too. A link in
   * the scratch root that points into a data directory is refused here.
   *
   * @throws RequestRejectedException INVALID_REQUEST naming what the directory resolves to
   * @throws dev.restoreflow.activities.exec.CommandFailedException when realpath fails
   */
  public static void checkOnDisk(CommandRunner runner, String instanceName,
      InstanceConfig instance, RestoreInto into, Collection<InstanceConfig> others) {
    List<String> paths = new java.util.ArrayList<>(List.of(into.directory(),
        instance.scratch().root()));
    for (InstanceConfig other : withOwn(instance, others)) {
      for (String configured : new String[] {other.pgdata(), other.controlDir()}) {
        if (configured != null) {
          paths.add(configured);
        }
      }
    }
    List<String> argv = new java.util.ArrayList<>(List.of("realpath", "-m", "--"));
    argv.addAll(paths);
    String[] real = runner.runChecked(Command.of(argv, null, Duration.ofSeconds(30))).stdout()
        .strip().split("\n");
    if (real.length != paths.size()) {
      throw rejected("cannot resolve the scratch paths on the host (realpath printed "
          + real.length + " lines for " + paths.size() + " paths)");
    }
    Path dir = Path.of(real[0]);
    Path root = Path.of(real[1]);
    for (int i = 2; i < real.length; i++) {
      if (overlaps(dir, Path.of(real[i]))) {
        throw rejected("scratch directory '" + into.directory() + "' resolves to " + dir
            + " on the host, which overlaps the data directory " + paths.get(i) + " ("
            + real[i] + " resolved): a clone or drill never touches a configured cluster");
      }
    }
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw rejected("scratch directory '" + into.directory() + "' resolves to " + dir
          + " on the host, which is not under instances." + instanceName + ".scratch.root ("
          + root + " resolved): a link in the way leads elsewhere; remove it");
    }
  }

  /** Whether one path is the other or lies inside it. */
  static boolean overlaps(Path a, Path b) {
    return a.startsWith(b) || b.startsWith(a);
  }

  private static Collection<InstanceConfig> withOwn(InstanceConfig own,
      Collection<InstanceConfig> others) {
    java.util.List<InstanceConfig> all = new java.util.ArrayList<>(others);
    if (others.stream().noneMatch(o -> Objects.equals(o, own))) {
      all.add(own);
    }
    return all;
  }

  private static String pathSafe(String jobId) {
    return jobId == null ? "scratch" : jobId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static RequestRejectedException rejected(String message) {
    return new RequestRejectedException(FailureType.INVALID_REQUEST, message);
  }
}
