package dev.restoreflow.activities.engine;

/** A bad value in an engine's section of the config, reported by its key. */
public class BadSettingException extends IllegalArgumentException {

  private final String key;

  public BadSettingException(String key, String message) {
    super(message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
