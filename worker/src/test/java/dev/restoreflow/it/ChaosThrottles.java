package dev.restoreflow.it;

import java.nio.file.Path;

/**
 * Slows the long step of each chaos job to about {@code windowSeconds}, so that a kill has a
 * window: the pg_probackup simulator sleeps after each file it restores, the simulator's
 * pg_basebackup keeps to a rate, and the proxy in front of s3proxy caps downloads (FetchS3) and
 * uploads (basebackup's TakeBackup).
 */
final class ChaosThrottles {

  private final ChaosRig rig;
  private final int restoreMillisPerFile;
  private final int probackupBackupKbPerSecond;
  private final long fetchBytesPerSecond;
  private final long uploadBytesPerSecond;

  private ChaosThrottles(ChaosRig rig, int restoreMillisPerFile, int probackupBackupKbPerSecond,
      long fetchBytesPerSecond, long uploadBytesPerSecond) {
    this.rig = rig;
    this.restoreMillisPerFile = restoreMillisPerFile;
    this.probackupBackupKbPerSecond = probackupBackupKbPerSecond;
    this.fetchBytesPerSecond = fetchBytesPerSecond;
    this.uploadBytesPerSecond = uploadBytesPerSecond;
  }

  /** Rates from the clusters' sizes now. */
  static ChaosThrottles measure(ChaosRig rig, int windowSeconds) throws Exception {
    long pbFiles = ChaosRig.files(Path.of(rig.pb.instance.pgdata()));
    long pbBytes = Long.parseLong(rig.pb.sandbox.sql(
        "select sum(pg_database_size(datname)) from pg_database").trim());
    long bbBytes = ChaosRig.bytes(Path.of(rig.bb.instance.pgdata()));
    int parallel = rig.repository.parallelDownloads();
    return new ChaosThrottles(rig,
        (int) Math.max(1, windowSeconds * 1000L / pbFiles),
        (int) Math.max(32, pbBytes / 1024 / windowSeconds),
        Math.max(64 << 10, bbBytes / windowSeconds / parallel),
        Math.max(64 << 10, bbBytes / windowSeconds));
  }

  void slow(ChaosJobKind kind) throws Exception {
    switch (kind) {
      case PROBACKUP_FULL, PROBACKUP_INCREMENTAL -> rig.pb.throttleRestores(restoreMillisPerFile);
      case PROBACKUP_BACKUP -> rig.pb.throttleBackups(probackupBackupKbPerSecond);
      case BASEBACKUP_FULL -> rig.s3Proxy.setRate(fetchBytesPerSecond);
      case BASEBACKUP_BACKUP -> rig.s3Proxy.setUploadRate(uploadBytesPerSecond);
    }
  }

  void off() throws Exception {
    rig.pb.throttleRestores(0);
    rig.pb.throttleBackups(0);
    rig.s3Proxy.setRate(0);
    rig.s3Proxy.setUploadRate(0);
  }

  @Override
  public String toString() {
    return String.format("throttles: pg_probackup restore %d ms/file, pg_probackup backup %d kB/s,"
        + " FetchS3 %d kB/s per connection, basebackup upload %d kB/s", restoreMillisPerFile,
        probackupBackupKbPerSecond, fetchBytesPerSecond >> 10, uploadBytesPerSecond >> 10);
  }
}
