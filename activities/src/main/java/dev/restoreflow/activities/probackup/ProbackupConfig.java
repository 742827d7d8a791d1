package dev.restoreflow.activities.probackup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.restoreflow.activities.config.EngineSettings;
import java.util.Map;

/**
 * pg_probackup settings of an instance.
 *
 * @param binary the pg_probackup program (a path, or a name found on PATH)
 * @param catalog the backup catalog ({@code -B}), an absolute path
 * @param instance the instance name in the catalog ({@code --instance}); default: the instance's
 * @param threads parallel threads ({@code -j})
 * @param runOn where pg_probackup and its catalog are: {@code dbHost} (run on the database
 *     host, over SSH for an ssh host) or {@code worker} (catalog on the worker's machine;
 *     pg_probackup reaches an ssh database host itself with --remote-host/-port/-user)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ProbackupConfig(String binary, String catalog, String instance, Integer threads,
    String runOn) implements EngineSettings {

  public static final String ON_DB_HOST = "dbHost";
  public static final String ON_WORKER = "worker";

  public ProbackupConfig {
    binary = binary == null ? "pg_probackup" : binary;
    threads = threads == null ? 1 : threads;
    runOn = runOn == null ? ON_DB_HOST : runOn;
  }

  public ProbackupConfig(String binary, String catalog, String instance, Integer threads) {
    this(binary, catalog, instance, threads, null);
  }

  @Override
  public Map<String, String> ownPaths() {
    return Map.of("catalog", catalog);
  }

  public boolean runsOnWorker() {
    return ON_WORKER.equals(runOn);
  }
}
