package dev.restoreflow.activities.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * pg_probackup settings of an instance.
 *
 * @param binary the pg_probackup program (a path, or a name found on PATH)
 * @param catalog the backup catalog ({@code -B}), an absolute path
 * @param instance the instance name in the catalog ({@code --instance}); default: the instance's
 * @param threads parallel threads ({@code -j})
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ProbackupConfig(String binary, String catalog, String instance, Integer threads) {

  public ProbackupConfig {
    binary = binary == null ? "pg_probackup" : binary;
    threads = threads == null ? 1 : threads;
  }
}
