package dev.restoreflow.worker;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.WalArchive;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.worker.config.RestoreflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code archive_command = 'restoreflow wal-push --config C --instance I %p'}: exit 0 only once
 * the file is in the repository, so PostgreSQL keeps it until then.
 */
@Command(name = "wal-push", description = "Archive one WAL file (for archive_command: ... %%p).")
final class WalPushCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", required = true)
  String instance;

  @Parameters(paramLabel = "WAL_FILE", description = "the file PostgreSQL names as %%p")
  Path file;

  @Override
  public Integer call() throws Exception {
    Logging.consoleOnly("WARN");
    RestoreflowConfig cfg = config.load();
    InstanceConfig inst = cfg.requireInstance(instance);
    if (!(inst.settings() instanceof BaseBackupConfig repository)) {
      throw new IllegalArgumentException("instance '" + instance + "' has no basebackup"
          + " repository (engine " + inst.engine() + "); wal-push archives into one");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no WAL file at " + file.toAbsolutePath());
    }
    try (ObjectStore store = ObjectStores.open(repository)) {
      WalArchive.Pushed pushed = new WalArchive(store, instance).push(file);
      System.err.println("restoreflow wal-push: " + file.getFileName() + " "
          + (pushed == WalArchive.Pushed.STORED ? "archived" : "was archived already"));
    }
    return 0;
  }
}
