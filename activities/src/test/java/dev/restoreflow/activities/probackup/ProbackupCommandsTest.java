package dev.restoreflow.activities.probackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbackupCommandsTest {

  static final InstanceConfig MAIN1 = new InstanceConfig("probackup", "local",
      "/var/lib/postgresql/15/main", null, null, 5432, "postgres", "/usr/lib/postgresql/15/bin",
      "/var/lib/postgresql/15/main1-server.log", "127.0.0.1", "postgres", "postgres",
      List.of("select 1"), false, true, 60, 300,
      new ProbackupConfig("/usr/bin/pg_probackup-15", "/mnt/backups", "main1", 1), null);

  /** Layout and field names of pg_probackup 2.5 `show --format=json` (shared/reference). */
  static final String SHOW = """
      [
          {
              "instance": "main1",
              "backups": [
                  {
                      "id": "SCUN22",
                      "parent-backup-id": "SCUN1Q",
                      "backup-mode": "DELTA",
                      "wal": "STREAM",
                      "compress-alg": "zlib",
                      "compress-level": 1,
                      "from-replica": "false",
                      "block-size": 8192,
                      "xlog-block-size": 8192,
                      "checksum-version": 1,
                      "program-version": "2.5.15",
                      "server-version": "16",
                      "current-tli": 1,
                      "parent-tli": 1,
                      "start-lsn": "0/9000028",
                      "stop-lsn": "0/9000168",
                      "start-time": "2024-05-02 11:18:02+03",
                      "end-time": "2024-05-02 11:18:12+03",
                      "recovery-xid": 741,
                      "recovery-time": "2024-05-02 11:18:04+03",
                      "data-bytes": 2413568,
                      "wal-bytes": 33554432,
                      "uncompressed-bytes": 2461696,
                      "pgdata-bytes": 100663296,
                      "status": "OK",
                      "content-crc": 1394012345
                  },
                  {
                      "id": "SCUN1Q",
                      "backup-mode": "FULL",
                      "wal": "STREAM",
                      "status": "OK",
                      "start-time": "2024-05-02 11:17:50+03",
                      "recovery-time": "2024-05-02 11:17:53+03",
                      "data-bytes": 40000000,
                      "pgdata-bytes": 100000000
                  },
                  {
                      "id": "SCUMZZ",
                      "backup-mode": "FULL",
                      "status": "ERROR",
                      "start-time": "2024-05-02 11:00:00+03"
                  }
              ]
          }
      ]
      """;

  @Test
  void restoreArgvNamesCatalogInstanceAndDataDirectory() {
    assertEquals(List.of("/usr/bin/pg_probackup-15", "restore", "-B", "/mnt/backups", "--instance",
        "main1", "-D", "/var/lib/postgresql/15/main", "-i", "SCUN22", "--progress"),
        ProbackupCommands.restore(MAIN1, "scun22", false, null));
  }

  @Test
  void incrementalRestorePassesChecksumMode() {
    List<String> argv = ProbackupCommands.restore(MAIN1, null, true, null);
    int i = argv.indexOf("-I");
    assertTrue(i > 0, argv.toString());
    assertEquals("CHECKSUM", argv.get(i + 1));
    assertTrue(!argv.contains("-i"), "no -i without a backup id");
  }

  @Test
  void aWorkerSideCatalogReachesTheDatabaseHostWithRemoteOptions() {
    List<String> argv = ProbackupCommands.restore(MAIN1, "SCUN22", false, null,
        new ProbackupCommands.Remote("10.0.0.5", 2222, "postgres", "/etc/restoreflow/id_ed25519",
            "/etc/restoreflow/known_hosts"));
    assertTrue(argv.containsAll(List.of("--remote-proto=ssh", "--remote-host=10.0.0.5",
        "--remote-port=2222", "--remote-user=postgres")), argv.toString());
    assertTrue(argv.contains("--ssh-options=-i /etc/restoreflow/id_ed25519 -o UserKnownHostsFile="
        + "/etc/restoreflow/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes"),
            argv.toString());
    assertEquals("-D", argv.get(6));
    assertEquals(MAIN1.pgdata(), argv.get(7), "the data directory is the database host's");
  }

  @Test
  void recoveryTargetsAreCheckedBeforeTheyBecomeArguments() {
    assertEquals(List.of("--recovery-target-lsn=0/9000168"),
        ProbackupCommands.recoveryTargetOptions(new RecoveryTarget(null, "0/9000168", null, null)));
    assertThrows(IllegalArgumentException.class, () -> ProbackupCommands.recoveryTargetOptions(
        new RecoveryTarget("now; rm -rf /", null, null, null)));
    assertThrows(IllegalArgumentException.class, () -> ProbackupCommands.recoveryTargetOptions(
        new RecoveryTarget(null, "0/1", "42", null)));
  }

  @Test
  void badBackupIdNeverBecomesAnArgument() {
    assertThrows(IllegalArgumentException.class,
        () -> ProbackupCommands.restore(MAIN1, "SC; rm -rf /", false, null));
    assertThrows(IllegalArgumentException.class,
        () -> ProbackupCommands.restore(MAIN1, "-D/etc", false, null));
  }

  @Test
  void showJsonIsParsedNewestFirst() {
    List<BackupInfo> backups = ProbackupCommands.parseShow(SHOW, "main1");
    assertEquals(List.of("SCUN22", "SCUN1Q", "SCUMZZ"), backups.stream().map(BackupInfo::id)
        .toList());
    assertEquals("SCUN1Q", backups.get(0).parentBackupId());
    assertEquals(100663296L, backups.get(0).pgdataBytes());
    assertEquals(0, ProbackupCommands.parseShow(SHOW, "other").size());
  }

  @Test
  void newestValidBackupIsChosenWithItsChain() {
    BackupChoice choice = ProbackupCommands.choose(ProbackupCommands.parseShow(SHOW, "main1"),
        null);
    assertEquals("SCUN22", choice.backup().id());
    assertEquals(List.of("SCUN1Q", "SCUN22"), choice.chainIds());
  }

  @Test
  void givenIdIsCheckedToExistAndBeValid() {
    List<BackupInfo> backups = ProbackupCommands.parseShow(SHOW, "main1");
    assertEquals("SCUN1Q", ProbackupCommands.choose(backups, "scun1q").backup().id());
    BackupChoiceException missing = assertThrows(BackupChoiceException.class,
        () -> ProbackupCommands.choose(backups, "ZZZZZZ"));
    assertEquals(FailureType.BACKUP_NOT_FOUND, missing.type());
    BackupChoiceException broken = assertThrows(BackupChoiceException.class,
        () -> ProbackupCommands.choose(backups, "SCUMZZ"));
    assertEquals(FailureType.BACKUP_NOT_VALID, broken.type());
  }

  @Test
  void emptyCatalogHasNoValidBackup() {
    BackupChoiceException none = assertThrows(BackupChoiceException.class,
        () -> ProbackupCommands.choose(List.of(), null));
    assertEquals(FailureType.NO_VALID_BACKUP, none.type());
  }

  @Test
  void backupIdsAreSixBase36Characters() {
    assertTrue(BackupIds.isValid("SCUN1Q"));
    assertTrue(BackupIds.isValid("scun1q"));
    for (String bad : List.of("", "SCUN1", "SCUN1QQ", "SCUN-Q", "SC UNQ", "ＳＣＵＮ１Ｑ")) {
      assertTrue(!BackupIds.isValid(bad), bad);
    }
  }
}
