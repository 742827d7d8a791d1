package dev.restoreflow.activities.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * @param settings the engine's checked section of the config ({@code instances.N.<engine>}), a
 *     record of the engine's package; null only before the engine has checked it
 * @param retention the instance's retention policy (the seed's defaults when absent)
 * @param restoreHosts the hosts this instance may be restored onto: always its own {@code host}
 *     (first), plus the ones the config lists; a restore onto any other host is refused
 * @param scratch where clones and drills of this instance restore (null = they are refused)
 * @param approval whether its restores wait for a person's approval (null = they do not)
 */
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
    @JsonIgnore EngineSettings settings,
    List<String> restoreHosts,
    RetentionConfig retention,
    ScratchConfig scratch,
    ApprovalConfig approval) {

  public InstanceConfig {
    Set<String> allowed = new LinkedHashSet<>();
    if (host != null) {
      allowed.add(host);
    }
    if (restoreHosts != null) {
      allowed.addAll(restoreHosts);   // a null entry is kept for the loader to report
    }
    restoreHosts = Collections.unmodifiableList(new ArrayList<>(allowed));
    retention = retention == null ? RetentionConfig.defaults() : retention;
  }

  /** Without a scratch place or approval. */
  public InstanceConfig(String engine, String host, String pgdata, String controlDir,
      String systemdUnit, Integer port, String osUser, String pgBin, String serverLog,
      String connectHost, String database, String dbUser, List<String> smokeQueries,
      Boolean keepArchiving, Boolean promote, Integer stopTimeoutSeconds,
      Integer startTimeoutSeconds, EngineSettings settings, List<String> restoreHosts,
      RetentionConfig retention) {
    this(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin, serverLog,
        connectHost, database, dbUser, smokeQueries, keepArchiving, promote, stopTimeoutSeconds,
        startTimeoutSeconds, settings, restoreHosts, retention, null, null);
  }

  /** With the default retention policy. */
  public InstanceConfig(String engine, String host, String pgdata, String controlDir,
      String systemdUnit, Integer port, String osUser, String pgBin, String serverLog,
      String connectHost, String database, String dbUser, List<String> smokeQueries,
      Boolean keepArchiving, Boolean promote, Integer stopTimeoutSeconds,
      Integer startTimeoutSeconds, EngineSettings settings, List<String> restoreHosts) {
    this(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin, serverLog,
        connectHost, database, dbUser, smokeQueries, keepArchiving, promote, stopTimeoutSeconds,
        startTimeoutSeconds, settings, restoreHosts, null);
  }

  /** An instance restored only onto its own host. */
  public InstanceConfig(String engine, String host, String pgdata, String controlDir,
      String systemdUnit, Integer port, String osUser, String pgBin, String serverLog,
      String connectHost, String database, String dbUser, List<String> smokeQueries,
      Boolean keepArchiving, Boolean promote, Integer stopTimeoutSeconds,
      Integer startTimeoutSeconds, EngineSettings settings) {
    this(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin, serverLog,
        connectHost, database, dbUser, smokeQueries, keepArchiving, promote, stopTimeoutSeconds,
        startTimeoutSeconds, settings, null);
  }

  /**
   * The engine's section, as the engine's own record.
   *
   * @throws IllegalStateException when the instance's section is of another type (a bug: only
   *     the instance's engine reads it)
   */
  public <T extends EngineSettings> T settings(Class<T> type) {
    if (!type.isInstance(settings)) {
      throw new IllegalStateException("instance on " + host + " (engine " + engine + ") has "
          + (settings == null ? "no engine settings" : settings.getClass().getSimpleName())
          + ", not " + type.getSimpleName());
    }
    return type.cast(settings);
  }

  /** The engine's section as the config file writes it: under the engine's name. */
  @JsonAnyGetter
  public Map<String, EngineSettings> engineSection() {
    return settings == null ? Map.of() : Map.of(engine, settings);
  }

  public InstanceConfig withSettings(EngineSettings other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, other, restoreHosts, retention, scratch, approval);
  }

  public InstanceConfig withRetention(RetentionConfig other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, settings, restoreHosts, other, scratch, approval);
  }

  public InstanceConfig withEngine(String other) {
    return new InstanceConfig(other, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, settings, restoreHosts, retention, scratch,
        approval);
  }

  /** The same instance, also restorable onto {@code hosts}. */
  public InstanceConfig withRestoreHosts(List<String> hosts) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, settings, hosts, retention, scratch, approval);
  }

  public InstanceConfig withScratch(ScratchConfig other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, settings, restoreHosts, retention, other,
        approval);
  }

  public InstanceConfig withApproval(ApprovalConfig other) {
    return new InstanceConfig(engine, host, pgdata, controlDir, systemdUnit, port, osUser, pgBin,
        serverLog, connectHost, database, dbUser, smokeQueries, keepArchiving, promote,
        stopTimeoutSeconds, startTimeoutSeconds, settings, restoreHosts, retention, scratch,
        other);
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
