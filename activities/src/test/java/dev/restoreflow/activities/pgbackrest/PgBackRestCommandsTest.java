package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.activities.pgbackrest.PgBackRestConfig;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgBackRestCommandsTest {

  static InstanceConfig instance(PgBackRestConfig section) {
    return new InstanceConfig(PgBackRestEngine.NAME, "local", "/var/lib/postgresql/15/main",
        null, null, 5433, "postgres", "/usr/lib/postgresql/15/bin",
        "/var/lib/postgresql/15/main-server.log", "/var/run/postgresql", "postgres", "postgres",
        List.of("select 1"), false, true, 60, 300, section);
  }

  static final InstanceConfig MAIN = checked(new PgBackRestConfig(null, null,
      "/var/lib/pgbackrest", null, 2, "zst", null));
  static final InstanceConfig WITH_FILE = checked(new PgBackRestConfig("/usr/bin/pgbackrest",
      "prod", null, "/etc/pgbackrest/main.conf", null, null, "/run/pg"));

  /** The instance with {@code section} as the config loader checks it. */
  static InstanceConfig checked(PgBackRestConfig section) {
    InstanceConfig instance = instance(null);
    return instance.withSettings(new PgBackRestEngine().checkSettings("instances.main.pgbackrest",
        "main", instance, new ObjectMapper().valueToTree(section)));
  }

  private static final String REPO = "--repo1-path=/var/lib/pgbackrest";

  @Test
  void infoTakesTheRepositoryAndStanzaOnlyForPgBackRestRefusesPgOptionsThere() {
    assertEquals(List.of("pgbackrest", "--no-config", REPO, "--stanza=main", "--output=json",
        "info"), PgBackRestCommands.info(MAIN.settings(PgBackRestConfig.class)));
    assertEquals(List.of("/usr/bin/pgbackrest", "--config=/etc/pgbackrest/main.conf",
        "--stanza=prod", "--output=json", "info"),
            PgBackRestCommands.info(WITH_FILE.settings(PgBackRestConfig.class)));
  }

  @Test
  void stanzaCreateAndCheckConnectThroughTheSocketDirectory() {
    List<String> cluster = List.of("pgbackrest", "--no-config", REPO, "--stanza=main",
        "--pg1-path=/var/lib/postgresql/15/main", "--pg1-port=5433",
        "--pg1-socket-path=/var/run/postgresql", "--pg1-user=postgres",
        "--pg1-database=postgres", "--log-level-console=info");
    assertEquals(concat(cluster, "stanza-create"), PgBackRestCommands.stanzaCreate(MAIN));
    assertEquals(concat(cluster, "check"), PgBackRestCommands.check(MAIN));
    assertTrue(PgBackRestCommands.check(WITH_FILE).contains("--pg1-socket-path=/run/pg"));
  }

  @Test
  void backupStartsFastWithTheConfiguredProcessesAndCompressionOrTheRequestedOne() {
    List<String> argv = PgBackRestCommands.backup(MAIN, "diff", null);
    assertEquals(List.of("--type=diff", "--start-fast", "--process-max=2", "--compress-type=zst",
        "--log-level-console=detail", "backup"), argv.subList(argv.size() - 6, argv.size()));
    assertTrue(PgBackRestCommands.backup(MAIN, "full", "lz4").contains("--compress-type=lz4"));
    assertFalse(PgBackRestCommands.backup(WITH_FILE, "incr", null).stream()
        .anyMatch(a -> a.startsWith("--compress-type") || a.startsWith("--process-max")));
    assertThrows(IllegalArgumentException.class, () -> PgBackRestCommands.backup(MAIN, "FULL",
        null));
  }

  @Test
  void restoreIsAlwaysDeltaWithItsSetAndAnExplicitTargetAction() {
    assertEquals(List.of("pgbackrest", "--no-config", REPO, "--stanza=main",
        "--pg1-path=/var/lib/postgresql/15/main", "--delta", "--set=20261129-163035F",
        "--process-max=2", "--type=immediate", "--target-action=promote",
        "--log-level-console=detail", "restore"),
        PgBackRestCommands.restore(MAIN, "20261129-163035f", null, true));
    assertEquals(List.of("--type=time", "--target=2026-11-29 16:31:49+00",
        "--target-action=promote"), tail(PgBackRestCommands.restore(MAIN,
            "20261129-163035F_20261129-163148D", new RecoveryTarget("2026-11-29 16:31:49+00",
                null, null, null), true)));
    assertEquals(List.of("--type=lsn", "--target=0/5000100", "--target-action=promote"),
        tail(PgBackRestCommands.restore(MAIN, "20261129-163035F",
            new RecoveryTarget(null, "0/5000100", null, null), true)));
    assertEquals(List.of("--type=xid", "--target=7411", "--target-action=pause"),
        tail(PgBackRestCommands.restore(MAIN, "20261129-163035F",
            new RecoveryTarget(null, null, "7411", null), false)));
    assertEquals(List.of("--type=name", "--target=before upgrade", "--target-action=promote"),
        tail(PgBackRestCommands.restore(MAIN, "20261129-163035F",
            new RecoveryTarget(null, null, null, "before upgrade"), true)));
    assertThrows(IllegalArgumentException.class, () -> PgBackRestCommands.restore(MAIN,
        "20261129-163035F", new RecoveryTarget(null, "0/5000100'; drop", null, null), true));
    assertThrows(IllegalArgumentException.class, () -> PgBackRestCommands.restore(MAIN,
        "SCUN1Q", null, true));
  }

  @Test
  void aRestoreIntoAScratchTargetMapsEveryTablespaceUnderItAndSwitchesArchivingOff() {
    List<String> argv = PgBackRestCommands.restore(MAIN, "20261129-163035F", null, true,
        "/srv/scratch/main-j1.tablespaces");
    assertEquals(List.of("--process-max=2", "--tablespace-map-all=/srv/scratch/main-j1.tablespaces",
        "--archive-mode=off", "--type=immediate"),
        argv.subList(argv.indexOf("--process-max=2"), argv.indexOf("--type=immediate") + 1));
  }

  @Test
  void leftoverRestoresAndBackupsAreKnownByTheirDataDirectoryAndStanza() {
    List<String> restore = PgBackRestCommands.restore(MAIN, "20261129-163035F", null, true);
    assertTrue(PgBackRestCommands.isRestoreInto(restore, "/var/lib/postgresql/15/main"));
    assertFalse(PgBackRestCommands.isRestoreInto(restore, "/var/lib/postgresql/15/other"));
    assertTrue(PgBackRestCommands.isBackupOf(PgBackRestCommands.backup(MAIN, "full", null),
        "main"));
    assertFalse(PgBackRestCommands.isBackupOf(PgBackRestCommands.backup(MAIN, "full", null), "ma"));
    assertFalse(PgBackRestCommands.isBackupOf(restore, "main"));
  }

  @Test
  void labelsAreFullOrAFullsLabelWithADiffOrIncrSuffix() {
    assertEquals("20261129-163035F", BackupLabels.normalize("20261129-163035f"));
    assertEquals("20261129-163035F_20261129-163150I",
        BackupLabels.normalize("20261129-163035F_20261129-163150I"));
    for (String bad : List.of("20261129-163035I", "20261129-163035F_20261129-163150F",
        "20261129-163035", "SCUN1Q", "20261129-163035F_", "../20261129-163035F",
        "20261129-163035F --delete")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BackupLabels.normalize(bad), bad);
      assertTrue(e.getMessage().contains("YYYYMMDD-HHMMSSF"), e.getMessage());
    }
  }

  @Test
  void settingsAreCheckedByKey() {
    assertEquals("instances.main.pgbackrest.repoPath", bad(new PgBackRestConfig(null, null, null,
        null, null, null, null)).key());
    assertEquals("instances.main.pgbackrest.repoPath", bad(new PgBackRestConfig(null, null,
        "backups", null, null, null, null)).key());
    assertEquals("instances.main.pgbackrest.repoPath", bad(new PgBackRestConfig(null, null,
        "/var/lib/postgresql/15/main/repo", null, null, null, null)).key());
    assertEquals("instances.main.pgbackrest.stanza", bad(new PgBackRestConfig(null, "-x",
        "/r", null, null, null, null)).key());
    assertEquals("instances.main.pgbackrest.processMax", bad(new PgBackRestConfig(null, null,
        "/r", null, 0, null, null)).key());
    assertEquals("instances.main.pgbackrest.compressType", bad(new PgBackRestConfig(null, null,
        "/r", null, null, "zstd", null)).key());
    assertEquals("instances.main.pgbackrest.configFile", bad(new PgBackRestConfig(null, null,
        null, "pgbackrest.conf", null, null, null)).key());
    assertEquals("main", MAIN.settings(PgBackRestConfig.class).stanza(),
        "the stanza defaults to the instance's name");
    assertEquals("/var/run/postgresql", MAIN.settings(PgBackRestConfig.class).socketPath(),
        "the socket directory defaults to connectHost when it is one");
  }

  private static BadSettingException bad(PgBackRestConfig section) {
    return assertThrows(BadSettingException.class, () -> checked(section));
  }

  private static List<String> tail(List<String> argv) {
    int type = argv.indexOf(argv.stream().filter(a -> a.startsWith("--type=")).findFirst()
        .orElseThrow());
    return argv.subList(type, argv.size() - 2);
  }

  private static List<String> concat(List<String> head, String last) {
    List<String> all = new java.util.ArrayList<>(head);
    all.add(last);
    return all;
  }
}
