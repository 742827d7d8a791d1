package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.archive.TarReader;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.basebackup.BaseBackupCatalog;
import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.basebackup.BaseBackupLayout;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.activities.storage.StoredObject;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.worker.Workers;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.workflows.model.RestoreTarget;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code restoreflow backup} (a backup job, carried out by the host's worker) and
 * {@code wal-push} of a real cluster into a real S3-compatible server (s3proxy): pg_basebackup
 * streamed into multipart uploads in every compression.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class BaseBackupIT {

  private ItSandbox main1;
  private S3Server s3;
  private Path configFile;
  private BaseBackupConfig repository;
  private ItTemporal temporal;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(20_000);
    s3 = S3Server.start(main1.stateDir());
    s3.createBucket("pg-backups");
    repository = s3.repository("pg-backups", "it", "gzip");
    InstanceConfig instance = main1.instance.withEngine(BaseBackupEngine.NAME)
        .withSettings(repository);
    ItServer server = ItTemporal.startServer();
    RestoreflowConfig config = BaseBackups.config(main1, instance, server.target());
    configFile = BaseBackups.writeConfig(main1, config);
    Map<String, String> env = s3.environment();
    temporal = ItTemporal.start(server, config, List.of(),
        factory -> Workers.addHost(factory, config, "local", env::get));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  void backupsInEveryCompressionHoldTheDataTheManifestAndTheirWal() throws Exception {
    Set<String> ids = new HashSet<>();
    for (Compression compression : Compression.values()) {
      RestoreflowProcess.Finished backup = BaseBackups.backupJob(configFile, s3, "main1",
          compression.configName());
      assertEquals(0, backup.exitCode(), backup.output());
      String json = backup.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError(backup.output()));
      JsonNode followed = new ObjectMapper().readTree(json);
      assertEquals("SUCCEEDED", followed.path("progress").path("state").asText(), json);
      String id = followed.path("progress").path("backupId").asText();
      BackupMeta meta;
      try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
        meta = new BaseBackupCatalog(store, "main1").backup(id).orElseThrow();
      }
      assertTrue(ids.add(meta.id()), "a new id per backup");
      assertEquals(compression.configName(), meta.compression());
      assertEquals(1, meta.timeline());
      assertNotEquals(meta.startLsn(), meta.stopLsn());
      assertFalse(backup.output().contains(s3.secretKey), "the secret is never printed");

      try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
        String dir = BaseBackupLayout.backupDir("main1", meta.id());
        List<StoredObject> objects = store.list(dir);
        String tarball = "base.tar" + compression.suffix();
        assertEquals(List.of(dir + "backup.json", dir + tarball, dir + "files.json"),
            objects.stream().map(StoredObject::key).toList());
        assertEquals("files.json", meta.fileIndex(), "the index delta restores use");
        assertEquals(meta.objects().get(0).size(), store.stat(dir + tarball).orElseThrow().size());
        Set<String> names = new HashSet<>();
        long walBytes = 0;
        try (InputStream in = compression.decompress(
            store.read(dir + tarball, 0, meta.objects().get(0).size()))) {
          TarReader tar = new TarReader(in);
          for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
            names.add(e.name());
            if (e.name().startsWith("pg_wal/") && e.isFile()) {
              walBytes += e.size();
            }
          }
        }
        assertTrue(names.containsAll(List.of("PG_VERSION", "backup_label", "backup_manifest",
            "global/pg_control")), compression + ": " + names);
        assertTrue(walBytes >= 16 << 20, "the WAL of the backup window is inside: " + walBytes);
      }
      Thread.sleep(1100);   // ids are per second
    }
    try (Stream<Path> logs = Files.walk(main1.stateDir().resolve("Logs"))) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(log).contains(s3.secretKey), "secret in " + log);
      }
    }
  }

  /**
   * What a physical restore would overwrite, as the terminal shows it before asking: the data
   * directory, its size, the sessions open on the running cluster.
   */
  @Test
  void theRestoreTargetIsTheDataDirectoryWithItsSizeAndOpenSessions() throws Exception {
    RestoreTarget target = temporal.restoreflow.target(RestoreRequest.of("main1"),
        Duration.ofMinutes(1));
    assertEquals("local", target.host());
    assertEquals("data directory " + main1.instance.pgdata(), target.where());
    assertTrue(target.running(), target.toString());
    assertTrue(target.sizeBytes() > 16 << 20, "20 000 rows and the WAL: " + target);
    assertEquals(0, target.connections(), target.toString());
    assertNull(target.note(), target.toString());

    RequestRejectedException unknown = assertThrows(RequestRejectedException.class,
        () -> temporal.restoreflow.target(RestoreRequest.of("nosuch"), Duration.ofMinutes(1)));
    assertEquals(FailureType.UNKNOWN_INSTANCE, unknown.type());
  }

  @Test
  void walPushArchivesOnceAndRefusesADifferentFileOfTheSameName() throws Exception {
    main1.sandbox.sql("insert into transfers (from_id, to_id, amount) values (1, 2, 3)");
    String segment = main1.sandbox.sql("select pg_walfile_name(pg_current_wal_lsn())").trim();
    main1.sandbox.sql("select pg_switch_wal()");
    Path file = Path.of(main1.instance.pgdata(), "pg_wal", segment);
    assertTrue(Files.isRegularFile(file), file.toString());
    Path copy = main1.stateDir().resolve(segment);
    Files.copy(file, copy);

    RestoreflowProcess.Finished first = walPush(copy);
    assertEquals(0, first.exitCode(), first.output());
    assertTrue(first.output().contains(segment + " archived"), first.output());
    RestoreflowProcess.Finished again = walPush(copy);
    assertEquals(0, again.exitCode(), "archiving again after a crash is fine: " + again.output());
    assertTrue(again.output().contains("already"), again.output());

    Files.write(copy, new byte[1000]);
    RestoreflowProcess.Finished different = walPush(copy);
    assertNotEquals(0, different.exitCode());
    assertTrue(different.output().contains("refusing to overwrite"), different.output());

    Path notWal = main1.stateDir().resolve("passwd");
    Files.writeString(notWal, "x");
    RestoreflowProcess.Finished bad = walPush(notWal);
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.output().contains("not a WAL file name"), bad.output());
    try (ObjectStore store = ObjectStores.open(repository, s3.environment()::get)) {
      assertEquals(List.of(new StoredObject("main1/wal/" + segment, 16 << 20)),
          store.list(BaseBackupLayout.walPrefix("main1")));
    }
  }

  private RestoreflowProcess.Finished walPush(Path file) throws Exception {
    return RestoreflowProcess.run(Duration.ofMinutes(1), s3.environment(), "wal-push",
        "--config", configFile.toString(), "--instance", "main1", file.toString());
  }
}
