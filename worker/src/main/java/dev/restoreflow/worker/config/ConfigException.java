package dev.restoreflow.worker.config;

/** A configuration problem, named by its key (e.g. {@code instances.main1.port}). */
public class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
