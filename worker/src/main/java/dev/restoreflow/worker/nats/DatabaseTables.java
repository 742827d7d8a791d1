package dev.restoreflow.worker.nats;

import java.util.List;
import java.util.Optional;

/**
 * The tables of the gateway's instance's database, as its host reads them now: a backup of a
 * table that is not there is answered bad before any job starts.
 */
@FunctionalInterface
interface DatabaseTables {

  /** Empty when they could not be read (the host's worker down, the database unreachable). */
  Optional<List<String>> tables();
}
