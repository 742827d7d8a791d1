package dev.restoreflow.worker;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that run the sandbox (dev, demo). */
final class SandboxOptions {

  @Option(names = "--state-dir", description = "sandbox state (default: /var/tmp/restoreflow/<command>"
      + " as root, else ./.restoreflow/<command>)")
  Path stateDir;

  @Option(names = "--pg-bin", description = "PostgreSQL binaries (default: ${DEFAULT-VALUE})")
  String pgBin = "/usr/lib/postgresql/15/bin";

  @Option(names = "--embedded", description = "use the in-process test server even when the `temporal` CLI is installed (.venv/ or PATH)")
  boolean embedded;

  Path stateDir(String command) {
    return stateDir != null ? stateDir.toAbsolutePath() : StateDirs.defaultFor(command);
  }
}
