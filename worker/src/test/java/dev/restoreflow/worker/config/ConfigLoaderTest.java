package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.mysqltables.MysqlTablesConfig;
import dev.restoreflow.activities.pgdump.PgDumpConfig;
import dev.restoreflow.activities.probackup.ProbackupConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  static final String GOOD = """
      {
        "temporal": {"target": "127.0.0.1:7233"},
        "hosts": {"S-DB1": {"kind": "local"}},
        "instances": {
          "main1": {
            "host": "S-DB1",
            "pgdata": "/var/lib/postgresql/15/main",
            "probackup": {"catalog": "/mnt/backups"}
          }
        }
      }
      """;

  @Test
  void defaultsAreFilledIn() {
    RestoreflowConfig config = ConfigLoader.parse(GOOD);
    InstanceConfig main1 = config.requireInstance("main1");
    assertEquals("probackup", main1.engine());
    assertEquals(5432, main1.port());
    assertEquals("postgres", main1.osUser());
    assertEquals("main1", main1.settings(ProbackupConfig.class).instance());
    assertEquals("pg_probackup", main1.settings(ProbackupConfig.class).binary());
    assertEquals("/var/lib/postgresql/15/main1-server.log", main1.serverLog());
    assertEquals("default", config.temporal().namespace());
  }

  static final String BASEBACKUP = GOOD.replace("\"probackup\": {\"catalog\": \"/mnt/backups\"}",
      "\"engine\": \"basebackup\", \"basebackup\": {\"repository\": \"s3://pg-backups/prod/eu\","
          + " \"endpoint\": \"http://127.0.0.1:9000\", \"accessKeyEnv\": \"S3_KEY\","
          + " \"secretKeyEnv\": \"S3_SECRET\", \"compression\": \"zstd\","
          + " \"settings\": {\"shared_buffers\": \"256MB\"}}");

  @Test
  void basebackupInstancesLoadWithDefaults() {
    InstanceConfig main1 = ConfigLoader.parse(BASEBACKUP).requireInstance("main1");
    assertEquals("basebackup", main1.engine());
    assertInstanceOf(BaseBackupConfig.class, main1.settings());
    assertEquals("s3://pg-backups/prod/eu", main1.settings(BaseBackupConfig.class).repository());
    assertEquals("zstd", main1.settings(BaseBackupConfig.class).compression());
    assertEquals("us-east-1", main1.settings(BaseBackupConfig.class).region());
    assertEquals(true, main1.settings(BaseBackupConfig.class).pathStyle());
    assertEquals(4, main1.settings(BaseBackupConfig.class).parallelDownloads());
    assertEquals("256MB", main1.settings(BaseBackupConfig.class).settings().get("shared_buffers"));
    assertEquals(30, main1.settings(BaseBackupConfig.class).readTimeoutSeconds());
    assertEquals(300, main1.settings(BaseBackupConfig.class).requestTimeoutSeconds());
    assertEquals(5, ConfigLoader.parse(BASEBACKUP.replace("\"compression\"",
        "\"readTimeoutSeconds\": 5, \"compression\"")).requireInstance("main1")
            .settings(BaseBackupConfig.class)
        .readTimeoutSeconds());
    ConfigLoader.parse(BASEBACKUP.replace("s3://pg-backups/prod/eu", "file:///srv/backups"));
  }

  static final String PGDUMP = GOOD.replace("\"probackup\": {\"catalog\": \"/mnt/backups\"}",
      "\"engine\": \"pgdump\", \"database\": \"shop\", \"pgdump\": {\"repository\":"
          + " \"file:///srv/dumps\"}");

  @Test
  void pgdumpInstancesLoadWithDefaultsAndBadValuesAreReportedByTheirKey() {
    PgDumpConfig pgdump = ConfigLoader.parse(PGDUMP).requireInstance("main1")
        .settings(PgDumpConfig.class);
    assertEquals("shop", pgdump.database(), "the instance's database by default");
    assertEquals(7, pgdump.maxFullAgeDays());
    assertEquals(5, pgdump.maxIncrementals());
    assertEquals("/var/tmp/restoreflow-pgdump", pgdump.stagingDir());
    String key = "instances.main1.pgdump";
    assertKey(key + ".database", PGDUMP.replace("\"file:///srv/dumps\"",
        "\"file:///srv/dumps\", \"database\": \"shop; drop\""));
    assertKey(key + ".repository", PGDUMP.replace("file:///srv/dumps", "s3://Bad_Bucket"));
    assertKey(key + ".compressLevel", PGDUMP.replace("\"file:///srv/dumps\"",
        "\"file:///srv/dumps\", \"compressLevel\": 10"));
    assertKey(key + ".stagingDir", PGDUMP.replace("\"file:///srv/dumps\"",
        "\"file:///srv/dumps\", \"stagingDir\": \"tmp\""));
    assertKey(key + ".nope", PGDUMP.replace("\"file:///srv/dumps\"",
        "\"file:///srv/dumps\", \"nope\": 1"));
    assertKey(key, PGDUMP.replace(", \"pgdump\": {\"repository\": \"file:///srv/dumps\"}", ""));
  }

  static final String MYSQLTABLES = GOOD
      .replace("\"pgdata\": \"/var/lib/postgresql/15/main\",", "\"engine\": \"mysqltables\",")
      .replace("\"probackup\": {\"catalog\": \"/mnt/backups\"}", "\"mysqltables\":"
          + " {\"archiveDir\": \"/opt/backups\", \"database\": \"shop\", \"user\": \"backup\","
          + " \"passwordEnv\": \"SHOP_DB_PASSWORD\"}");

  /** A database reached through its server has no data directory: no pgdata to invent. */
  @Test
  void mysqltablesInstancesNeedNoDataDirectoryAndRefuseOne() {
    InstanceConfig main1 = ConfigLoader.parse(MYSQLTABLES).requireInstance("main1");
    assertEquals(null, main1.pgdata());
    assertEquals(null, main1.serverLog());
    assertEquals("/opt/backups", main1.settings(MysqlTablesConfig.class).archiveDir());
    assertEquals(3306, main1.settings(MysqlTablesConfig.class).port());
    assertKey("instances.main1.pgdata", MYSQLTABLES.replace("\"engine\": \"mysqltables\",",
        "\"engine\": \"mysqltables\", \"pgdata\": \"/var/lib/mysql\","));
    assertKey("instances.main1.mysqltables.passwordEnv", MYSQLTABLES.replace(
        "\"SHOP_DB_PASSWORD\"", "\"hunter2!\""));
    assertKey("instances.main1.mysqltables.archiveDir", MYSQLTABLES.replace("/opt/backups",
        "backups"));
    // and a PostgreSQL instance still needs its pgdata
    assertKey("instances.main1.pgdata", GOOD.replace(
        "\"pgdata\": \"/var/lib/postgresql/15/main\",", ""));
  }

  @Test
  void badBasebackupValuesAreReportedByTheirKey() {
    String key = "instances.main1.basebackup";
    assertKey("instances.main1.probackup",
        GOOD.replace("\"probackup\"", "\"engine\": \"basebackup\", \"probackup\""));
    assertKey(key, GOOD.replace("\"probackup\": {\"catalog\": \"/mnt/backups\"}",
        "\"engine\": \"basebackup\""));
    for (String repo : new String[] {"s3://Bad_Bucket/x", "s3://bucket/../etc", "http://x/y",
        "file://relative", "file:///srv/../etc", "s3://bucket/a b"}) {
      assertKey(key + ".repository", BASEBACKUP.replace("s3://pg-backups/prod/eu", repo));
    }
    assertKey(key + ".endpoint", BASEBACKUP.replace("http://127.0.0.1:9000",
        "http://key:secret@host"));
    assertKey(key + ".endpoint", BASEBACKUP.replace("http://127.0.0.1:9000", "ftp://host"));
    assertKey(key + ".accessKeyEnv", BASEBACKUP.replace("\"S3_KEY\"", "\"AKIAIOSFODNN7/EXAMPLE\""));
    assertKey(key + ".secretKeyEnv", BASEBACKUP.replace("\"secretKeyEnv\": \"S3_SECRET\",", ""));
    assertKey(key + ".compression", BASEBACKUP.replace("\"zstd\"", "\"bzip2\""));
    assertKey(key + ".readTimeoutSeconds", BASEBACKUP.replace("\"compression\"",
        "\"readTimeoutSeconds\": 0, \"compression\""));
    assertKey(key + ".requestTimeoutSeconds", BASEBACKUP.replace("\"compression\"",
        "\"requestTimeoutSeconds\": 100000, \"compression\""));
    assertKey(key + ".settings", BASEBACKUP.replace("\"shared_buffers\"", "\"x'; drop\""));
    assertKey(key + ".settings.shared_buffers", BASEBACKUP.replace("\"256MB\"",
        "\"1\\nrestore_command = 'sh'\""));
  }

  @Test
  void exampleConfigLoads() throws Exception {
    Path example = Path.of("..", "src", "config.example.json");
    assertTrue(Files.exists(example), "src/config.example.json is missing");
    assertEquals(2, ConfigLoader.load(example).instances().size());
  }

  @Test
  void badValuesAreReportedByTheirKey() {
    assertKey("instances.main1.pgdata", GOOD.replace("/var/lib/postgresql/15/main",
        "relative/dir"));
    assertKey("instances.main1.pgdata", GOOD.replace("/var/lib/postgresql/15/main", "/"));
    assertKey("instances.main1.pgdata", GOOD.replace("/var/lib/postgresql/15/main",
        "/var/lib/../../etc"));
    assertKey("instances.main1.host", GOOD.replace("\"host\": \"S-DB1\"", "\"host\": \"nowhere\""));
    assertKey("instances.main1.pgdta", GOOD.replace("\"pgdata\"", "\"pgdta\""));
    assertKey("instances.main1.port", GOOD.replace("\"host\": \"S-DB1\",",
        "\"host\": \"S-DB1\", \"port\": 70000,"));
    assertKey("instances.main1.port", GOOD.replace("\"host\": \"S-DB1\",",
        "\"host\": \"S-DB1\", \"port\": \"x\","));
    assertKey("instances.main1.osUser", GOOD.replace("\"host\": \"S-DB1\",",
        "\"host\": \"S-DB1\", \"osUser\": \"root; id\","));
    assertKey("instances.main1.engine", GOOD.replace("\"host\": \"S-DB1\",",
        "\"host\": \"S-DB1\", \"engine\": \"rsync\","));
    assertKey("instances.main1.probackup.catalog", GOOD.replace("\"catalog\": \"/mnt/backups\"",
        "\"threads\": 2"));
    assertKey("temporal.target", GOOD.replace("127.0.0.1:7233", "not a target"));
    assertKey("config", "{ not json");
    assertKey("hosts", "{}");
  }

  @Test
  void sshHostsAreCheckedAndGetDefaults() {
    String ssh = GOOD.replace("\"S-DB1\": {\"kind\": \"local\"}", "\"S-DB1\": {\"kind\": \"ssh\","
        + " \"address\": \"10.0.0.5\", \"user\": \"postgres\", \"privateKey\": \"/etc/restoreflow/id_ed25519\","
        + " \"knownHosts\": \"/etc/restoreflow/known_hosts\"}");
    var host = ConfigLoader.parse(ssh).hosts().get("S-DB1");
    assertEquals(22, host.port());
    assertEquals(false, host.acceptNewHostKeys());
    assertEquals(15, host.connectTimeoutSeconds());
    assertKey("hosts.S-DB1.user", ssh.replace("\"user\": \"postgres\", ", ""));
    assertKey("hosts.S-DB1.privateKey", ssh.replace("/etc/restoreflow/id_ed25519", "id_ed25519"));
    assertKey("hosts.S-DB1.kind", GOOD.replace("\"kind\": \"local\"", "\"kind\": \"telnet\""));
    assertKey("instances.main1.probackup.runOn",
        GOOD.replace("\"catalog\": \"/mnt/backups\"",
            "\"catalog\": \"/mnt/backups\", \"runOn\": \"moon\""));
  }

  @Test
  void aWrittenConfigReadsBack() throws Exception {
    for (String json : new String[] {GOOD, BASEBACKUP}) {
      RestoreflowConfig config = ConfigLoader.parse(json);
      String written = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(config);
      assertEquals(config, ConfigLoader.parse(written));
    }
  }

  /** GOOD with a second host S-DB2 and a second instance main2 on it, at another path. */
  static final String TWO = """
      {
        "hosts": {"S-DB1": {"kind": "local"}, "S-DB2": {"kind": "local"}},
        "instances": {
          "main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                    "probackup": {"catalog": "/mnt/backups"}},
          "main2": {"host": "S-DB2", "pgdata": "/srv/pg/main2",
                    "probackup": {"catalog": "/mnt/backups"}}
        }
      }
      """;

  /** Adds {@code keys} to main1 (the first instance on S-DB1). */
  private static String main1With(String json, String keys) {
    String host = "\"host\": \"S-DB1\",";
    return json.replaceFirst(java.util.regex.Pattern.quote(host),
        java.util.regex.Matcher.quoteReplacement(host + " " + keys + ","));
  }

  @Test
  void restoreHostsDefaultToTheInstancesOwnHostWhichIsAlwaysAllowed() {
    InstanceConfig main1 = ConfigLoader.parse(TWO).requireInstance("main1");
    assertEquals(List.of("S-DB1"), main1.restoreHosts());
    assertTrue(main1.mayRestoreOnto("S-DB1"));
    assertFalse(main1.mayRestoreOnto("S-DB2"));
    InstanceConfig both = ConfigLoader.parse(main1With(TWO, "\"restoreHosts\": [\"S-DB2\"]"))
        .requireInstance("main1");
    assertEquals(List.of("S-DB1", "S-DB2"), both.restoreHosts(), "its own host first");
    assertTrue(both.mayRestoreOnto("S-DB1") && both.mayRestoreOnto("S-DB2"));
  }

  @Test
  void restoreHostsMustBeConfiguredHosts() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        main1With(TWO, "\"restoreHosts\": [\"S-DB2\", \"S-DB3\"]")));
    assertEquals("instances.main1.restoreHosts", e.key());
    assertTrue(e.getMessage().contains("'S-DB3' is not a configured host"), e.getMessage());
    assertKey("instances.main1.restoreHosts", main1With(TWO, "\"restoreHosts\": [null]"));
  }

  @Test
  void osUserRootIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(main1With(GOOD, "\"osUser\": \"root\"")));
    assertEquals("instances.main1.osUser", e.key());
    assertTrue(e.getMessage().contains("'root' is refused"), e.getMessage());
    assertKey("instances.main1.osUser", main1With(GOOD, "\"osUser\": \"Root!\""));
    assertEquals("pgadmin", ConfigLoader.parse(main1With(GOOD, "\"osUser\": \"pgadmin\""))
        .requireInstance("main1").osUser());
  }

  @Test
  void commandLimitsFitUnderTheStepTimeouts() {
    for (String key : new String[] {"stopTimeoutSeconds", "startTimeoutSeconds"}) {
      for (int bad : new int[] {3601, 86_400, 0}) {
        ConfigException e = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(main1With(GOOD, "\"" + key + "\": " + bad)));
        assertEquals("instances.main1." + key, e.key());
        assertTrue(e.getMessage().contains("must be 1-3600"), e.getMessage());
      }
      ConfigLoader.parse(main1With(GOOD, "\"" + key + "\": 3600"));
    }
    String twenty = String.join(", ", java.util.Collections.nCopies(20, "\"select 1\""));
    assertEquals(20, ConfigLoader.parse(main1With(GOOD, "\"smokeQueries\": [" + twenty + "]"))
        .requireInstance("main1").smokeQueries().size());
    ConfigException many = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        main1With(GOOD, "\"smokeQueries\": [" + twenty + ", \"select 2\"]")));
    assertEquals("instances.main1.smokeQueries", many.key());
    assertTrue(many.getMessage().contains("at most 20"), many.getMessage());
  }

  private static String withGateway(String gateway) {
    return GOOD.replace("\"hosts\":", "\"lineGateway\": {" + gateway + "}, \"hosts\":");
  }

  @Test
  void gatewayAddressesAreLiteralIpAddressesOnly() {
    for (String bad : new String[] {"abc", "1.2.3", "localhost", "1.2.3.4.5", "256.1.1.1",
        "010.1.1.1", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "::1/129", "fe80::1%eth0",
        "1:2:3:4:5:6:7:8:9", "1:::2", ":1", "1.2.3.4:"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.parse(withGateway("\"allow\": [\"" + bad + "\"]")), bad);
      assertEquals("lineGateway.allow[0]", e.key(), bad);
    }
    assertKey("lineGateway.allow[1]", withGateway("\"allow\": [\"10.0.0.1\", null]"));
    assertEquals(List.of("10.20.0.0/16", "192.0.2.7", "fd00::/8", "::1", "::ffff:10.0.0.1/128",
        "0.0.0.0/0"), ConfigLoader.parse(withGateway("\"allow\": [\"10.20.0.0/16\","
            + " \"192.0.2.7\", \"fd00::/8\", \"::1\", \"::ffff:10.0.0.1/128\","
            + " \"0.0.0.0/0\"]")).lineGateway().allow());
    for (String bad : new String[] {"abc", "1.2.3", "10.0.0.1/8", "dead"}) {
      assertKey("lineGateway.bind", withGateway("\"bind\": \"" + bad + "\""));
    }
    assertEquals("::", ConfigLoader.parse(withGateway("\"bind\": \"::\"")).lineGateway().bind());
  }

  @Test
  void anSshAddressIsANameOrAnAddressButNeverAnOption() {
    String ssh = GOOD.replace("\"S-DB1\": {\"kind\": \"local\"}", "\"S-DB1\": {\"kind\": \"ssh\","
        + " \"address\": \"db1.example.internal\", \"user\": \"postgres\","
        + " \"privateKey\": \"/etc/restoreflow/id_ed25519\"}");
    assertEquals("db1.example.internal", ConfigLoader.parse(ssh).hosts().get("S-DB1").address());
    ConfigLoader.parse(ssh.replace("db1.example.internal", "fd00::11"));
    assertKey("hosts.S-DB1.address", ssh.replace("db1.example.internal", "-oProxyCommand"));
  }

  @Test
  void pgdataIsNotSharedOrNestedWithAnotherInstanceOnACommonHost() {
    String sameHost = TWO.replace("\"host\": \"S-DB2\"", "\"host\": \"S-DB1\"");
    for (String main2 : new String[] {"/var/lib/postgresql/15/main", "/var/lib/postgresql/15/main/",
        "/var/lib/postgresql/15/main/sub", "/var/lib/postgresql"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.parse(sameHost.replace("/srv/pg/main2", main2)), main2);
      assertEquals("instances.main2.pgdata", e.key(), e.getMessage());
      assertTrue(e.getMessage().contains("instances.main1.pgdata")
          && e.getMessage().contains("host S-DB1"), e.getMessage());
    }
    ConfigLoader.parse(sameHost.replace("/srv/pg/main2", "/var/lib/postgresql/15/main2"));
    String samePathOtherHost = TWO.replace("/srv/pg/main2", "/var/lib/postgresql/15/main");
    assertEquals(2, ConfigLoader.parse(samePathOtherHost).instances().size(),
        "the same path on two hosts is two directories");
    assertKey("instances.main2.pgdata", main1With(samePathOtherHost,
        "\"restoreHosts\": [\"S-DB2\"]"));
  }

  @Test
  void pgdataStaysClearOfAnotherInstancesControlDirAndItsOwn() {
    String sameHost = TWO.replace("\"host\": \"S-DB2\"", "\"host\": \"S-DB1\"");
    for (String controlDir : new String[] {"/srv/pg/main2", "/srv/pg/main2/conf", "/srv/pg"}) {
      assertKey("instances.main2.pgdata",
          main1With(sameHost, "\"controlDir\": \"" + controlDir + "\""));
    }
    ConfigLoader.parse(main1With(sameHost, "\"controlDir\": \"/etc/postgresql/15/main\""));
    ConfigLoader.parse(main1With(TWO, "\"controlDir\": \"/srv/pg/main2\""));
    assertKey("instances.main1.controlDir",
        main1With(GOOD, "\"controlDir\": \"/var/lib/postgresql/15/main/conf\""));
  }

  @Test
  void restoreflowsOwnFilesAreNeverInsideAPgdata() {
    String pgdata = "/var/lib/postgresql/15/main";
    assertKey("ledger", GOOD.replace("\"hosts\":", "\"ledger\": \"" + pgdata
        + "/l.db\", \"hosts\":"));
    assertKey("logDir", GOOD.replace("\"hosts\":", "\"logDir\": \"" + pgdata + "\", \"hosts\":"));
    assertKey("instances.main1.probackup.catalog", GOOD.replace("/mnt/backups", pgdata
        + "/backups"));
    assertKey("instances.main2.probackup.catalog",
        TWO.replace("\"/mnt/backups\"}}\n  }", "\"" + pgdata + "/x\"}}\n  }"));
    assertKey("instances.main1.serverLog", main1With(GOOD, "\"serverLog\": \"" + pgdata
        + "/log\""));
    ConfigLoader.parse(main1With(GOOD, "\"serverLog\": \"/var/log/postgresql/main.log\""));
    assertKey("instances.main1.basebackup.repository",
        BASEBACKUP.replace("s3://pg-backups/prod/eu", "file://" + pgdata + "/repo"));
    String pgbackrest = GOOD.replace("\"probackup\": {\"catalog\": \"/mnt/backups\"}",
        "\"engine\": \"pgbackrest\", \"pgbackrest\": {\"repoPath\": \"/srv/pgbackrest\"}");
    ConfigLoader.parse(pgbackrest);
    assertKey("instances.main2.pgbackrest.repoPath", """
        {"hosts": {"S-DB1": {"kind": "local"}, "S-DB2": {"kind": "local"}},
         "instances": {
           "main1": {"host": "S-DB1", "pgdata": "%s", "probackup": {"catalog": "/mnt/b"}},
           "main2": {"host": "S-DB2", "pgdata": "/srv/pg/main2", "engine": "pgbackrest",
                     "pgbackrest": {"repoPath": "%s/x"}}}}
        """.formatted(pgdata, pgdata));
  }

  @Test
  void relativeLedgerAndLogDirAreCheckedWhereTheyResolveBesideTheConfigFile(@TempDir Path dir)
      throws Exception {
    Path pgdata = dir.resolve("pg");
    String config = GOOD.replace("/var/lib/postgresql/15/main", pgdata.toString());
    Path file = Files.writeString(pgdata.getParent().resolve("config.json"),
        config.replace("\"hosts\":", "\"ledger\": \"pg/ledger.db\", \"hosts\":"));
    assertEquals("ledger", assertThrows(ConfigException.class, () -> ConfigLoader.load(file))
        .key());
    Files.writeString(file, config.replace("\"hosts\":", "\"logDir\": \"pg/../pg\", \"hosts\":"));
    assertEquals("logDir", assertThrows(ConfigException.class, () -> ConfigLoader.load(file))
        .key());
    Files.writeString(file, config.replace("\"hosts\":", "\"ledger\": \"ledger.db\", \"hosts\":"));
    assertEquals("ledger.db", ConfigLoader.load(file).ledger(), "beside pgdata, not in it");
  }

  @Test
  void configsShapedLikeTheIntegrationTestsOnesStillLoad() throws Exception {
    // ItSandbox/Sandbox put ledger, logs, catalog, server log and pgdata under one state dir;
    // LineGatewayIT adds instances on other hosts that share main1's catalog and server log
    String state = "/var/tmp/restoreflow-it/main1-1234abcd";
    InstanceConfig main1 = new InstanceConfig("probackup", "S-DB1", state + "/pg/main1", null, null,
        5433, "rfsandbox", "/usr/lib/postgresql/15/bin", state + "/pg/main1-server.log",
        "127.0.0.1", "postgres", "rfsandbox", List.of("select 1", "select count(*) from pg_class"),
        false, true, 60, 120, new ProbackupConfig(state + "/bin/pg_probackup-recording",
            state + "/backups", "main1", 1), null);
    InstanceConfig f1 = new InstanceConfig("probackup", "h1", "/var/tmp/restoreflow-it/never/h1",
        null, null, 5433, "rfsandbox", main1.pgBin(), main1.serverLog(), "127.0.0.1", "postgres",
        "rfsandbox", main1.smokeQueries(), false, true, 60, 60,
            main1.settings(ProbackupConfig.class), null);
    RestoreflowConfig config = new RestoreflowConfig(new TemporalConfig("127.0.0.1:7233",
        "default"),
        state + "/ledger.db", state + "/Logs", Map.of("S-DB1", new HostConfig(HostConfig.LOCAL),
            "h1", new HostConfig(HostConfig.LOCAL)), Map.of("main1", main1, "f1", f1),
        new LineGatewayConfig(true, "127.0.0.1", 0, null, List.of(), 60, 3, 2, 4096));
    String written = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(config);
    assertEquals(config, ConfigLoader.parse(written));
  }

  private static void assertKey(String key, String json) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(json));
    assertEquals(key, e.key(), e.getMessage());
  }
}
