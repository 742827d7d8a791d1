package dev.restoreflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupMaker;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", description = "Back up a basebackup instance into its repository"
    + " (pg_basebackup streamed into S3 or file://; run it on the database host).")
final class BackupCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--instance", required = true, description = "instance to back up")
  String instance;

  @Option(names = "--compression", description = "gzip, zstd, lz4 or none (default: the config's)")
  String compression;

  @Option(names = "--json", description = "print the backup's metadata as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RestoreflowConfig cfg = config.load();
    InstanceConfig inst = BaseBackupInstances.require(cfg, instance);
    if (compression != null) {
      dev.restoreflow.activities.basebackup.Compression.of(compression);
      inst = inst.withBaseBackup(inst.basebackup().withCompression(compression));
    }
    Logging.init(config.resolve(cfg.logDir()), "WARN");
    PrintStream out = System.out;
    try (ObjectStore store = ObjectStores.open(inst.basebackup())) {
      BackupMeta meta = new BaseBackupMaker(Clock.systemUTC()).backup(instance, inst, store,
          json ? line -> { } : out::println);
      if (json) {
        out.println(new ObjectMapper().writeValueAsString(meta));
      }
    }
    return 0;
  }
}
