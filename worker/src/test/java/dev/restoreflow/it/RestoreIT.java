package dev.restoreflow.it;

import java.nio.file.Path;

/** The restore scenarios on the embedded Temporal server. */
class RestoreIT extends RestoreScenarios {

  @Override
  ItServer startServer(Path stateDir) {
    return ItServer.embedded();
  }
}
