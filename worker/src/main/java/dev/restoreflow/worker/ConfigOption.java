package dev.restoreflow.worker;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config}: config.json beside the working directory unless given. */
final class ConfigOption {

  @Option(names = "--config", paramLabel = "FILE", description = "config file (default: ./config.json)")
  Path file = Path.of("config.json");

  RestoreflowConfig load() {
    return ConfigLoader.load(file);
  }

  /** Relative paths in the config (ledger, logDir) are relative to the config file. */
  Path resolve(String path) {
    Path dir = file.toAbsolutePath().getParent();
    return dir.resolve(path).normalize();
  }
}
