package dev.restoreflow.activities.storage;

import dev.restoreflow.activities.config.BaseBackupConfig;
import java.nio.file.Path;
import java.util.function.Function;

/** The store a {@code basebackup} config names. */
public final class ObjectStores {

  private ObjectStores() {}

  public static ObjectStore open(BaseBackupConfig config) {
    return open(config, System::getenv);
  }

  /** @param environment where credentials named by the config are looked up */
  public static ObjectStore open(BaseBackupConfig config, Function<String, String> environment) {
    if (config.isS3()) {
      return S3ObjectStore.open(config, environment);
    }
    return new FileObjectStore(Path.of(config.repository().substring("file://".length())));
  }
}
