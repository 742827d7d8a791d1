package dev.restoreflow.it;

import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import java.net.URI;
import java.nio.file.Path;

/**
 * Instance main1 on host local, with demo data, whose basebackup repository is on an S3 server
 * reached through a {@link CountingProxy} (which counts and can slow the downloads), its config
 * file and a backup made in this JVM (no compression): what the tests that watch FetchS3
 * download start from.
 */
final class ProxiedS3Backup implements AutoCloseable {

  final ItSandbox main1;
  final S3Server s3;
  final CountingProxy proxy;
  final BaseBackupConfig repository;
  final RestoreflowConfig config;
  final Path configFile;
  final BackupMeta backup;

  private ProxiedS3Backup(ItSandbox main1, S3Server s3, CountingProxy proxy,
      BaseBackupConfig repository, RestoreflowConfig config, Path configFile, BackupMeta backup) {
    this.main1 = main1;
    this.s3 = s3;
    this.proxy = proxy;
    this.repository = repository;
    this.config = config;
    this.configFile = configFile;
    this.backup = backup;
  }

  /**
   * @param prefix the repository's folder in bucket pg-backups
   * @param demoRows how many rows of demo data the backup holds
   * @param temporalTarget the Temporal server of the config
   */
  static ProxiedS3Backup create(String prefix, int demoRows, String temporalTarget)
      throws Exception {
    ItSandbox main1 = ItSandbox.create("main1", "local");
    S3Server s3 = null;
    CountingProxy proxy = null;
    try {
      s3 = S3Server.start(main1.stateDir());
      proxy = new CountingProxy(URI.create(s3.endpoint).getPort(), 0);
      main1.sandbox.loadDemoData(demoRows);
      s3.createBucket("pg-backups");
      BaseBackupConfig repository = new BaseBackupConfig("s3://pg-backups/" + prefix,
          proxy.endpoint(), null, true, S3Server.ACCESS_KEY_ENV, S3Server.SECRET_KEY_ENV, "none",
          2, 5, null);
      InstanceConfig instance = main1.instance.withEngine(BaseBackupEngine.NAME)
          .withSettings(repository);
      RestoreflowConfig config = BaseBackups.config(main1, instance, temporalTarget);
      Path configFile = BaseBackups.writeConfig(main1, config);
      BackupMeta backup = BaseBackups.backup(configFile, s3, "main1", "none");
      return new ProxiedS3Backup(main1, s3, proxy, repository, config, configFile, backup);
    } catch (Exception | Error e) {
      try {
        Closing.inOrder(proxy, s3, main1);
      } catch (Exception alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    Closing.inOrder(proxy, s3, main1);
  }
}
