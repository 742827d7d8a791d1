package dev.restoreflow.worker;

import dev.restoreflow.activities.exec.OsUser;
import java.nio.file.Path;

/**
 * Where dev and demo keep their sandbox. A root worker runs clusters as another OS user, who must
 * be able to reach the directory: so not under a checkout that may sit in a private directory.
 */
final class StateDirs {

  private StateDirs() {}

  static Path defaultFor(String purpose) {
    return OsUser.isRoot()
        ? Path.of("/var/tmp/restoreflow", purpose)
        : Path.of(".restoreflow", purpose).toAbsolutePath();
  }
}
