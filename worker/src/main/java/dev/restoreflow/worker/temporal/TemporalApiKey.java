package dev.restoreflow.worker.temporal;

import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.config.TemporalConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The API key of {@code temporal.apiKeyEnv} or {@code temporal.apiKeyFile}, read when connecting.
 * Errors name the key and never show the value.
 */
final class TemporalApiKey {

  private TemporalApiKey() {}

  /** @return the key, or null when none is configured */
  static String read(TemporalConfig config, Map<String, String> env) {
    if (config.apiKeyEnv() != null) {
      String value = env.get(config.apiKeyEnv());
      if (value == null || value.isBlank()) {
        throw new ConfigException("temporal.apiKeyEnv", "the environment variable "
            + config.apiKeyEnv() + " is not set (or empty); export the API key in it");
      }
      return checked("temporal.apiKeyEnv", "the environment variable " + config.apiKeyEnv(),
          value.strip());
    }
    if (config.apiKeyFile() != null) {
      Path file = Path.of(config.apiKeyFile());
      String value;
      try {
        value = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigException("temporal.apiKeyFile", "cannot read " + file + " ("
            + e.getClass().getSimpleName() + "); it must be a file this user can read");
      }
      if (value.isEmpty()) {
        throw new ConfigException("temporal.apiKeyFile", file + " is empty; put the API key in it");
      }
      return checked("temporal.apiKeyFile", file.toString(), value);
    }
    return null;
  }

  /** A header value cannot hold line breaks or other control characters. */
  private static String checked(String key, String where, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new ConfigException(key, where + " holds more than one line, spaces or non-ASCII"
            + " characters; it must hold the API key alone");
      }
    }
    return value;
  }
}
