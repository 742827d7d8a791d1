package dev.restoreflow.activities.config;

import java.util.Map;

/**
 * An engine's checked section of an instance's config ({@code instances.N.<engine>}), a record
 * of the engine's own package. Only that engine reads it, through
 * {@link InstanceConfig#settings(Class)}.
 */
public interface EngineSettings {

  /**
   * The directories and files this section names on the instance's machines that a restore must
   * never empty (a catalog, a file:// repository), by their key below the section, e.g.
   * {@code catalog}. The loader refuses a config where one lies inside a data directory.
   */
  default Map<String, String> ownPaths() {
    return Map.of();
  }
}
