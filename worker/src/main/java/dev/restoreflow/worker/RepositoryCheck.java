package dev.restoreflow.worker;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupCatalog;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a host worker starts: can it read the basebackup repositories of its instances? The answer
 * goes to the log (a missing key or a wrong endpoint shows before the first restore needs it),
 * and the first restore does not pay for loading the S3 client.
 */
final class RepositoryCheck {

  private static final Logger log = LoggerFactory.getLogger(RepositoryCheck.class);

  private RepositoryCheck() {}

  /** Checks in the background; never fails the worker. */
  static void startFor(RestoreflowConfig config, String host, Function<String, String> environment) {
    List<Map.Entry<String, InstanceConfig>> instances = config.instances().entrySet().stream()
        .filter(e -> host.equals(e.getValue().host()))
        .filter(e -> InstanceConfig.BASEBACKUP.equals(e.getValue().engine()))
        .toList();
    if (instances.isEmpty()) {
      return;
    }
    Thread thread = new Thread(() -> instances.forEach(e -> check(e.getKey(), e.getValue(),
        environment)), "repository-check");
    thread.setDaemon(true);
    thread.start();
  }

  private static void check(String name, InstanceConfig instance,
      Function<String, String> environment) {
    try (ObjectStore store = ObjectStores.open(instance.basebackup(), environment)) {
      List<BackupMeta> backups = new BaseBackupCatalog(store, name).backups();
      log.info("repository {} of instance {}: {} backups{}", store.describe(), name,
          backups.size(), backups.isEmpty() ? "" : ", newest " + backups.get(backups.size() - 1).id());
    } catch (Exception e) {
      log.warn("repository of instance {} cannot be read: {}; its restores and backups fail until"
          + " this is fixed", name, e.getMessage());
    }
  }
}
