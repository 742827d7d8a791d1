package dev.restoreflow.activities.pgbackrest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.restoreflow.activities.config.EngineSettings;
import java.util.Map;

/**
 * The {@code pgbackrest} engine's settings of an instance. pgBackRest runs on the instance's host
 * as its {@code osUser}; the stanza's repository is given by {@code repoPath}, by a pgBackRest
 * config file, or both (the path then overrides the file's {@code repo1-path}).
 *
 * @param binary the pgbackrest program (a path, or a name found on PATH)
 * @param stanza the stanza ({@code --stanza}); default: the instance's name
 * @param repoPath the repository ({@code --repo1-path}), an absolute path; without
 *     {@code configFile} pgBackRest reads no config file ({@code --no-config}) and uses its own
 *     defaults for log, lock and spool paths
 * @param configFile a pgBackRest config file ({@code --config}): repository, retention, log,
 *     lock and spool paths, cipher; the stanza's pg1-* keys are given on the command line
 * @param processMax parallel processes of backups and restores ({@code --process-max})
 * @param compressType of new backups ({@code --compress-type}: none, bz2, gz, lz4, zst); null =
 *     the config file's or pgBackRest's default (gz)
 * @param socketPath the cluster's Unix socket directory ({@code --pg1-socket-path}); default: the
 *     instance's {@code connectHost} when it is a directory, else pgBackRest's default
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PgBackRestConfig(String binary, String stanza, String repoPath, String configFile,
    Integer processMax, String compressType, String socketPath) implements EngineSettings {

  public PgBackRestConfig {
    binary = binary == null ? "pgbackrest" : binary;
    processMax = processMax == null ? 1 : processMax;
  }

  @Override
  public Map<String, String> ownPaths() {
    return repoPath == null ? Map.of() : Map.of("repoPath", repoPath);
  }
}
