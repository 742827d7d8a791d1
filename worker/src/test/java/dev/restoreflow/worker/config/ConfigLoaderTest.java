package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    assertEquals("main1", main1.probackup().instance());
    assertEquals("pg_probackup", main1.probackup().binary());
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
    assertEquals(null, main1.probackup());
    assertEquals("s3://pg-backups/prod/eu", main1.basebackup().repository());
    assertEquals("zstd", main1.basebackup().compression());
    assertEquals("us-east-1", main1.basebackup().region());
    assertEquals(true, main1.basebackup().pathStyle());
    assertEquals(4, main1.basebackup().parallelDownloads());
    assertEquals("256MB", main1.basebackup().settings().get("shared_buffers"));
    ConfigLoader.parse(BASEBACKUP.replace("s3://pg-backups/prod/eu", "file:///srv/backups"));
  }

  @Test
  void badBasebackupValuesAreReportedByTheirKey() {
    String key = "instances.main1.basebackup";
    assertKey(key, GOOD.replace("\"probackup\"", "\"engine\": \"basebackup\", \"probackup\""));
    for (String repo : new String[] {"s3://Bad_Bucket/x", "s3://bucket/../etc", "http://x/y",
        "file://relative", "file:///srv/../etc", "s3://bucket/a b"}) {
      assertKey(key + ".repository", BASEBACKUP.replace("s3://pg-backups/prod/eu", repo));
    }
    assertKey(key + ".endpoint", BASEBACKUP.replace("http://127.0.0.1:9000", "http://key:secret@host"));
    assertKey(key + ".endpoint", BASEBACKUP.replace("http://127.0.0.1:9000", "ftp://host"));
    assertKey(key + ".accessKeyEnv", BASEBACKUP.replace("\"S3_KEY\"", "\"AKIAIOSFODNN7/EXAMPLE\""));
    assertKey(key + ".secretKeyEnv", BASEBACKUP.replace("\"secretKeyEnv\": \"S3_SECRET\",", ""));
    assertKey(key + ".compression", BASEBACKUP.replace("\"zstd\"", "\"bzip2\""));
    assertKey(key + ".settings", BASEBACKUP.replace("\"shared_buffers\"", "\"x'; drop\""));
    assertKey(key + ".settings.shared_buffers", BASEBACKUP.replace("\"256MB\"", "\"1\\nrestore_command = 'sh'\""));
  }

  @Test
  void exampleConfigLoads() throws Exception {
    Path example = Path.of("..", "src", "config.example.json");
    assertTrue(Files.exists(example), "src/config.example.json is missing");
    assertEquals(2, ConfigLoader.load(example).instances().size());
  }

  @Test
  void badValuesAreReportedByTheirKey() {
    assertKey("instances.main1.pgdata", GOOD.replace("/var/lib/postgresql/15/main", "relative/dir"));
    assertKey("instances.main1.pgdata", GOOD.replace("/var/lib/postgresql/15/main", "/"));
    assertKey("instances.main1.pgdata", GOOD.replace("/var/lib/postgresql/15/main", "/var/lib/../../etc"));
    assertKey("instances.main1.host", GOOD.replace("\"host\": \"S-DB1\"", "\"host\": \"nowhere\""));
    assertKey("instances.main1.pgdta", GOOD.replace("\"pgdata\"", "\"pgdta\""));
    assertKey("instances.main1.port", GOOD.replace("\"host\": \"S-DB1\",", "\"host\": \"S-DB1\", \"port\": 70000,"));
    assertKey("instances.main1.port", GOOD.replace("\"host\": \"S-DB1\",", "\"host\": \"S-DB1\", \"port\": \"x\","));
    assertKey("instances.main1.osUser", GOOD.replace("\"host\": \"S-DB1\",", "\"host\": \"S-DB1\", \"osUser\": \"root; id\","));
    assertKey("instances.main1.engine", GOOD.replace("\"host\": \"S-DB1\",", "\"host\": \"S-DB1\", \"engine\": \"rsync\","));
    assertKey("instances.main1.probackup.catalog", GOOD.replace("\"catalog\": \"/mnt/backups\"", "\"threads\": 2"));
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
        GOOD.replace("\"catalog\": \"/mnt/backups\"", "\"catalog\": \"/mnt/backups\", \"runOn\": \"moon\""));
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

  private static void assertKey(String key, String json) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(json));
    assertEquals(key, e.key(), e.getMessage());
  }
}
