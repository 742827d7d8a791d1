package dev.restoreflow.activities.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A PostgreSQL cluster restoreflow may restore. Defaults are applied by the loader; after loading
 * every field is set except {@code controlDir} and {@code systemdUnit}.
 *
 * @param pgdata the data directory: the only directory WipeData may ever empty
 * @param controlDir what {@code pg_ctl -D} gets when it differs from pgdata (Debian's
 *     /etc/postgresql/VER/NAME); null = pgdata
 * @param systemdUnit when set, the cluster is started and stopped with systemctl
 * @param osUser the OS user owning pgdata; commands run as it
 * @param pgBin directory of pg_ctl, psql, pg_isready
 * @param serverLog pg_ctl's log file ({@code -l}); default: beside pgdata
 * @param connectHost where psql connects: 127.0.0.1 or a socket directory
 * @param keepArchiving keep the restored cluster's archive_command (off by default, so a restored
 *     cluster never writes into the source's archive)
 * @param promote promote after restore when the cluster ends in recovery
 * @param probackup settings of the probackup engine (null for other engines)
 * @param basebackup settings of the basebackup engine (null for other engines)
 * @param pgbackrest settings of the pgbackrest engine (null for other engines)
 * @param restoreHosts the hosts this instance may be restored onto: always its own {@code host}
 *     (first), plus the ones the config lists; a restore onto any other host is refused
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record InstanceConfig(
    String engine,
    String host,
    String pgdata,
    String controlDir,
    String systemdUnit,
    Integer port,
    String osUser,
    String pgBin,
    String serverLog,
    String connectHost,
    String database,
    String dbUser,
    List<String> smokeQueries,
    Boolean keepArchiving,
    Boolean promote,
    Integer stopTimeoutSeconds,
    Integer startTimeoutSeconds,
    ProbackupConfig probackup,
    BaseBackupConfig basebackup,
    List<String> restoreHosts,
    PgBackRestConfig pgbackrest) {

  public InstanceConfig {
    Set<String> allowed = new LinkedHashSet<>();
    if (host != null) {
      allowed.add(host);
    }
    if (restoreHosts != null) {
      allowed.addAll(restoreHosts);   // a null entry is kept for the loader to report
    }
    restoreHosts = Collections.unmodifiableList(new ArrayList<>(allowed));
  }

  /** An instance restored only onto its own host. */
  public InstanceConfig(String engine, String host, String pgdata, String controlDir,
      String systemdUnit, Integer port, String osUser, String pgBin, String serverLog,
      String connectHost, String database, String dbUser, List<String> smokeQueries,
      Boolean keepArchiving, Boolean promote, Integer stopTimeoutSeconds,
      Integer startTimeoutSeconds, ProbackupConfig probackup, BaseBackupConfig basebackup) {
    this(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin, serverLog,
        connectHost, database, dbUser, smokeQueries, keepArchiving, promote, stopTimeoutSeconds,
        startTimeoutSeconds, probackup, basebackup, null, null);
  }

  /** Without a pgbackrest section (the other engines' instances). */
  public InstanceConfig(String engine, String host, String pgdata, String controlDir,
      String systemdUnit, Integer port, String osUser, String pgBin, String serverLog,
      String connectHost, String database, String dbUser, List<String> smokeQueries,
      Boolean keepArchiving, Boolean promote, Integer stopTimeoutSeconds,
      Integer startTimeoutSeconds, ProbackupConfig probackup, BaseBackupConfig basebackup,
      List<String> restoreHosts) {
    this(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin, serverLog,
        connectHost, database, dbUser, smokeQueries, keepArchiving, promote, stopTimeoutSeconds,
        startTimeoutSeconds, probackup, basebackup, restoreHosts, null);
  }

  public InstanceConfig withProbackup(ProbackupConfig other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, other, basebackup, restoreHosts, pgbackrest);
  }

  public InstanceConfig withEngine(String other) {
    return new InstanceConfig(other, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, probackup, basebackup, restoreHosts, pgbackrest);
  }

  public InstanceConfig withBaseBackup(BaseBackupConfig other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser,
        pgBin, serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, probackup, other, restoreHosts, pgbackrest);
  }

  /** The same instance with only the probackup section (checked by the engine). */
  public InstanceConfig onlyWith(ProbackupConfig section) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, section, null, restoreHosts, null);
  }

  /** The same instance with only the basebackup section (checked by the engine). */
  public InstanceConfig onlyWith(BaseBackupConfig section) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, null, section, restoreHosts, null);
  }

  public InstanceConfig withPgBackRest(PgBackRestConfig other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, probackup, basebackup, restoreHosts, other);
  }

  /** The same instance with only the pgbackrest section (checked by the engine). */
  public InstanceConfig onlyWith(PgBackRestConfig section) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, null, null, restoreHosts, section);
  }

  /** The same instance, also restorable onto {@code hosts}. */
  public InstanceConfig withRestoreHosts(List<String> hosts) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, probackup, basebackup, hosts, pgbackrest);
  }

  /** Whether this instance may be restored onto {@code target} (its own host or a listed one). */
  public boolean mayRestoreOnto(String target) {
    return restoreHosts.contains(target);
  }

  public String pgCtlDir() {
    return controlDir != null ? controlDir : pgdata;
  }

  public String pgTool(String name) {
    return pgBin + "/" + name;
  }
}
