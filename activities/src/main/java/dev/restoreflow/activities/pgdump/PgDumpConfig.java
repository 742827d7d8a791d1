package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.container.ContainerTarget;
import dev.restoreflow.activities.storage.ObjectStoreSettings;
import java.util.List;
import java.util.Map;

/**
 * The {@code pgdump} engine's settings of an instance: logical backups of one database with
 * pg_dump (custom format), kept in an object store like the basebackup engine's.
 *
 * @param repository {@code s3://bucket/prefix} or {@code file:///absolute/dir}; the instance's
 *     dumps go under {@code <prefix>/<instance>/pgdump/} (see {@link PgDumpLayout})
 * @param database the database dumped and restored; default: the instance's {@code database}
 * @param compressLevel pg_dump's {@code -Z} for the custom format (0-9)
 * @param restoreJobs pg_restore's {@code -j}
 * @param stagingDir where a restore keeps the downloaded dumps (pg_restore -j reads files);
 *     default: {@code /var/tmp/restoreflow-pgdump}
 * @param maxFullAgeDays an automatic backup is a full when the newest full is older
 * @param maxIncrementals an automatic backup is a full when it would be incremental number
 *     {@code maxIncrementals + 1} after its full
 * @param target where the database lives when not reachable from the worker's machine: a Docker
 *     container or a Kubernetes pod (see {@link ContainerTarget}); null = the worker's machine
 * @param allDatabases every database that accepts connections (templates, {@code
 *     excludeDatabases} and restoreflow's own {@code _restoring} and {@code _before_} copies left
 *     out) plus the globals (roles, memberships, role and database settings) instead of
 *     {@code database} alone; see {@link ClusterGlobals}
 * @param excludeDatabases databases an every-database backup leaves out
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PgDumpConfig(
    String repository,
    String endpoint,
    String region,
    Boolean pathStyle,
    String accessKeyEnv,
    String secretKeyEnv,
    Integer partSizeMiB,
    Integer readTimeoutSeconds,
    Integer requestTimeoutSeconds,
    String database,
    Integer compressLevel,
    Integer restoreJobs,
    String stagingDir,
    Integer maxFullAgeDays,
    Integer maxIncrementals,
    ContainerTarget target,
    Boolean allDatabases,
    List<String> excludeDatabases) implements EngineSettings, ObjectStoreSettings {

  public PgDumpConfig {
    region = region == null ? "us-east-1" : region;
    pathStyle = pathStyle == null ? Boolean.TRUE : pathStyle;
    partSizeMiB = partSizeMiB == null ? 16 : partSizeMiB;
    readTimeoutSeconds = readTimeoutSeconds == null ? 30 : readTimeoutSeconds;
    requestTimeoutSeconds = requestTimeoutSeconds == null ? 300 : requestTimeoutSeconds;
    compressLevel = compressLevel == null ? 6 : compressLevel;
    restoreJobs = restoreJobs == null ? 2 : restoreJobs;
    stagingDir = stagingDir == null ? "/var/tmp/restoreflow-pgdump" : stagingDir;
    maxFullAgeDays = maxFullAgeDays == null ? 7 : maxFullAgeDays;
    maxIncrementals = maxIncrementals == null ? 5 : maxIncrementals;
    allDatabases = allDatabases == null ? Boolean.FALSE : allDatabases;
    excludeDatabases = excludeDatabases == null ? List.of() : List.copyOf(excludeDatabases);
  }

  @Override
  public Map<String, String> ownPaths() {
    return isS3() ? Map.of("stagingDir", stagingDir)
        : Map.of("repository", localDirectory(), "stagingDir", stagingDir);
  }

  /** Without a container target: the database is reached from the worker's machine. */
  public PgDumpConfig(String repository, String endpoint, String region, Boolean pathStyle,
      String accessKeyEnv, String secretKeyEnv, Integer partSizeMiB, Integer readTimeoutSeconds,
      Integer requestTimeoutSeconds, String database, Integer compressLevel, Integer restoreJobs,
      String stagingDir, Integer maxFullAgeDays, Integer maxIncrementals) {
    this(repository, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv, partSizeMiB,
        readTimeoutSeconds, requestTimeoutSeconds, database, compressLevel, restoreJobs,
        stagingDir, maxFullAgeDays, maxIncrementals, null, null, null);
  }

  PgDumpConfig withTarget(ContainerTarget checked) {
    return new PgDumpConfig(repository, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv,
        partSizeMiB, readTimeoutSeconds, requestTimeoutSeconds, database, compressLevel,
        restoreJobs, stagingDir, maxFullAgeDays, maxIncrementals, checked, allDatabases,
        excludeDatabases);
  }

  PgDumpConfig withDatabase(String name) {
    return new PgDumpConfig(repository, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv,
        partSizeMiB, readTimeoutSeconds, requestTimeoutSeconds, name, compressLevel, restoreJobs,
        stagingDir, maxFullAgeDays, maxIncrementals, target, allDatabases, excludeDatabases);
  }
}
