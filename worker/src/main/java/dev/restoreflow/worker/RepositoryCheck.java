package dev.restoreflow.worker;

import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.StepInput;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a host worker starts: can it read the repositories of its instances? Each instance's
 * engine lists its backups; the answer goes to the log (a missing key or a wrong endpoint shows
 * before the first restore needs it), and the first restore does not pay for loading the clients.
 */
final class RepositoryCheck {

  private static final Logger log = LoggerFactory.getLogger(RepositoryCheck.class);

  private RepositoryCheck() {}

  /** Checks in the background; never fails the worker. */
  static void startFor(HostServices services, String host) {
    Inventory config = services.config();
    List<String> instances = config.instances().entrySet().stream()
        .filter(e -> host.equals(e.getValue().host()))
        .map(java.util.Map.Entry::getKey).sorted().toList();
    if (instances.isEmpty()) {
      return;
    }
    Thread thread = new Thread(() -> instances.forEach(name -> check(services, host, name)),
        "repository-check");
    thread.setDaemon(true);
    thread.start();
  }

  private static void check(HostServices services, String host, String name) {
    try (HostStep step = HostStep.open(services, new StepInput("startup", name, host))) {
      InstanceCatalog catalog = Engines.standard().of(step.instance()).catalog(step);
      log.info("repository of instance {} ({}): {} backups{}", name, catalog.engine(),
          catalog.backups().size(), catalog.backups().isEmpty() ? ""
              : ", newest " + catalog.backups().get(catalog.backups().size() - 1).id());
    } catch (RuntimeException e) {
      log.warn("repository of instance {} cannot be read: {}; its restores and backups fail until"
          + " this is fixed", name, e.getMessage());
    }
  }
}
