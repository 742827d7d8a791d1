package dev.restoreflow.activities.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.activities.pgdump.PgDumpEngine;
import dev.restoreflow.activities.probackup.ProbackupEngine;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RestoreRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The resolver's checks of --name, --dir, --force and --tables, before any job starts: the
 * same code and text on every way in.
 */
class BackupAndTableOptionsTest {

  private final RequestResolver resolver = new RequestResolver(new Inventory(
      Map.of("db1", new HostConfig(HostConfig.LOCAL)),
      Map.of("shop", instance(PgDumpEngine.NAME), "pgbr1", instance(PgBackRestEngine.NAME),
          "pgp1", instance(ProbackupEngine.NAME), "bb1", instance(BaseBackupEngine.NAME))));

  private static InstanceConfig instance(String engine) {
    return new InstanceConfig(engine, "db1", "/var/lib/postgresql/15/main", null, null, 5432,
        "postgres", "/usr/lib/postgresql/15/bin", "/var/lib/postgresql/15/server.log",
        "127.0.0.1", "shop", "postgres", List.of("select 1"), false, true, 60, 300, null,
        null);
  }

  private RequestRejectedException backupRefused(BackupRequest request) {
    return assertThrows(RequestRejectedException.class,
        () -> resolver.resolveBackup("j1", request));
  }

  private RequestRejectedException restoreRefused(RestoreRequest request) {
    return assertThrows(RequestRejectedException.class,
        () -> resolver.resolveRestore("j1", request));
  }

  @Test
  void aPgdumpBackupMayBeNamedPutInADirectoryAndReplaced() {
    resolver.resolveBackup("j1", BackupRequest.of("shop").withName("pre_migration")
        .withDir("pre-migration").withForce(true).withType("full"));
  }

  @Test
  void aNameOrDirectoryWithSlashOrDotDotIsAnInvalidRequest() {
    for (String bad : List.of("a/b", "../etc", "x..y", ".hidden", "/abs")) {
      RequestRejectedException name = backupRefused(BackupRequest.of("shop").withName(bad));
      assertEquals(FailureType.INVALID_REQUEST, name.type(), bad);
      assertTrue(name.getMessage().startsWith("backup name '" + bad + "' is not allowed"),
          name.getMessage());
      RequestRejectedException dir = backupRefused(BackupRequest.of("shop").withDir(bad));
      assertEquals(FailureType.INVALID_REQUEST, dir.type(), bad);
      assertTrue(dir.getMessage().startsWith("directory '" + bad + "' is not allowed"),
          dir.getMessage());
    }
  }

  @Test
  void forceWithoutANameIsAnInvalidRequest() {
    RequestRejectedException e = backupRefused(BackupRequest.of("shop").withForce(true));
    assertEquals(FailureType.INVALID_REQUEST, e.type());
    assertTrue(e.getMessage().contains("add a name"), e.getMessage());
  }

  @Test
  void enginesThatNameTheirOwnBackupsRefuseNameDirAndForce() {
    for (String instance : List.of("pgbr1", "pgp1", "bb1")) {
      for (BackupRequest request : List.of(BackupRequest.of(instance).withName("x"),
          BackupRequest.of(instance).withDir("x"))) {
        RequestRejectedException e = backupRefused(request);
        assertEquals(FailureType.NOT_SUPPORTED, e.type(), instance);
        assertTrue(e.getMessage().contains("names its backups itself"), e.getMessage());
      }
    }
  }

  @Test
  void onlyATableBackupEngineTakesTablesToBackUp() {
    for (String instance : List.of("shop", "pgbr1", "pgp1", "bb1")) {
      RequestRejectedException e = backupRefused(BackupRequest.of(instance)
          .withTables(List.of("orders")));
      assertEquals(FailureType.NOT_SUPPORTED, e.type(), instance);
      assertTrue(e.getMessage().contains("tables are chosen per backup only by engine"
          + " mysqltables"), e.getMessage());
    }
  }

  @Test
  void tablesAreRestoredOnlyByPgdumpAndOnlyWhenNamedPlainly() {
    resolver.resolveRestore("j1", RestoreRequest.of("shop").withTables(List.of("orders",
        "sales.items")));
    for (String instance : List.of("pgbr1", "pgp1", "bb1")) {
      RequestRejectedException e = restoreRefused(RestoreRequest.of(instance)
          .withTables(List.of("orders")));
      assertEquals(FailureType.NOT_SUPPORTED, e.type(), instance);
      assertTrue(e.getMessage().contains("tables are restored selectively only from logical"
          + " backups"), e.getMessage());
    }
    for (List<String> bad : List.of(List.of("a.b.c"), List.of("\"x\""), List.of("t;drop"),
        List.<String>of())) {
      RequestRejectedException e = restoreRefused(RestoreRequest.of("shop").withTables(bad));
      assertEquals(FailureType.INVALID_REQUEST, e.type(), bad.toString());
    }
  }

  @Test
  void aNamedBackupIdIsOfThePgdumpForm() {
    assertEquals("pre_migration", resolver.backupId("shop", "pre_migration"));
    RequestRejectedException e = assertThrows(RequestRejectedException.class,
        () -> resolver.backupId("shop", "../x"));
    assertEquals(FailureType.BAD_BACKUP_ID, e.type());
  }
}
