package dev.restoreflow.it;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupMaker;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.config.TemporalConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** What the basebackup tests share: a one-instance config, fixture backups, backup jobs. */
final class BaseBackups {

  private BaseBackups() {}

  /** Host "local" and the sandbox's instance as {@code instance}; ledger and logs in its dir. */
  static RestoreflowConfig config(ItSandbox sandbox, InstanceConfig instance,
      String temporalTarget) {
    return new RestoreflowConfig(new TemporalConfig(temporalTarget, "default"),
        sandbox.stateDir().resolve("ledger.db").toString(),
        sandbox.stateDir().resolve("Logs").toString(),
        Map.of("local", new HostConfig(HostConfig.LOCAL)), Map.of(sandbox.sandbox.name(), instance),
        null);
  }

  static Path writeConfig(ItSandbox sandbox, RestoreflowConfig config) throws Exception {
    return RestoreflowProcess.writeConfig(config, sandbox.stateDir().resolve("config.json"));
  }

  /**
   * A backup made in this JVM with restoreflow's own backup code (no job, no Temporal): a fixture
   * for the restore tests. Backup jobs have their own tests (BackupJobsIT, BaseBackupIT).
   */
  static BackupMeta backup(Path configFile, S3Server s3, String instance, String compression)
      throws Exception {
    InstanceConfig configured = ConfigLoader.load(configFile).requireInstance(instance);
    InstanceConfig inst = configured.withSettings(configured.settings(BaseBackupConfig.class)
        .withCompression(compression));
    try (ObjectStore store = ObjectStores.open(inst.settings(BaseBackupConfig.class),
        s3.environment()::get)) {
      BackupMeta meta = new BaseBackupMaker(Clock.systemUTC()).backup(instance, inst, store,
          line -> { });
      Thread.sleep(1100);   // backup ids are per second
      return meta;
    }
  }

  /**
   * Runs {@code restoreflow backup --follow --json}: a backup job, which a server and a worker of
   * the instance's host (the test's) carry out.
   */
  static RestoreflowProcess.Finished backupJob(Path configFile, S3Server s3, String instance,
      String compression) throws Exception {
    return RestoreflowProcess.run(Duration.ofMinutes(3), s3.environment(), "backup", "--config",
        configFile.toString(), "--instance", instance, "--compression", compression, "--follow",
        "--json");
  }
}
