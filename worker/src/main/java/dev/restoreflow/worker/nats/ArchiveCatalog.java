package dev.restoreflow.worker.nats;

import dev.restoreflow.workflows.model.CatalogBackup;
import java.util.List;
import java.util.Optional;

/** The archives of the gateway's instance, oldest first, as its engine's catalog lists them. */
@FunctionalInterface
interface ArchiveCatalog {

  /** Empty when the catalog could not be read (the host's worker down, the directory unreadable). */
  Optional<List<CatalogBackup>> archives();
}
