package dev.restoreflow.it;

import java.nio.file.Path;

/** The restore scenarios on the real Temporal dev server of the temporal CLI (SQLite state). */
class RestoreOnDevServerIT extends RestoreScenarios {

  @Override
  ItServer startServer(Path stateDir) throws Exception {
    return ItServer.temporalCli(stateDir);
  }
}
