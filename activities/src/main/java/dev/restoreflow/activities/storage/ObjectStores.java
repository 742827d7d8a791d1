package dev.restoreflow.activities.storage;

import java.nio.file.Path;
import java.util.function.Function;

/** The store an engine's object-store settings name. */
public final class ObjectStores {

  private ObjectStores() {}

  public static ObjectStore open(ObjectStoreSettings config) {
    return open(config, System::getenv);
  }

  /** @param environment where credentials named by the config are looked up */
  public static ObjectStore open(ObjectStoreSettings config, Function<String, String> environment) {
    if (config.isS3()) {
      return S3ObjectStore.open(config, environment);
    }
    return new FileObjectStore(Path.of(config.localDirectory()));
  }
}
