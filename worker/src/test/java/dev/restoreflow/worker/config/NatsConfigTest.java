package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The {@code nats} block: absent = no gateway, defaults, and every bad value named by its key. */
class NatsConfigTest {

  private static RestoreflowConfig withNats(String block) {
    String json = ConfigLoaderTest.GOOD.strip();
    return ConfigLoader.parse(json.substring(0, json.length() - 1) + ", \"nats\": " + block
        + "}");
  }

  private static void refused(String key, String block) {
    ConfigException e = assertThrows(ConfigException.class, () -> withNats(block));
    assertEquals(key, e.key(), e.getMessage());
  }

  @Test
  void noBlockIsNoGateway() {
    assertNull(ConfigLoader.parse(ConfigLoaderTest.GOOD).nats());
  }

  @Test
  void defaultsAreFilledIn() {
    NatsConfig nats = withNats("{\"instance\": \"main1\"}").nats();
    assertEquals(NatsConfig.of("nats://127.0.0.1:4222", "main1"), nats);
    assertEquals("backup", nats.subjectPrefix());
    assertEquals("restoreflow-backup", nats.serviceName());
  }

  @Test
  void credentialsAndTlsAreNamesAndPathsNeverSecrets() {
    NatsConfig nats = withNats("{\"url\": \"tls://nats.example:4222\", \"instance\": \"main1\","
        + " \"subjectPrefix\": \"prod.backup\", \"userEnv\": \"NATS_USER\","
        + " \"passwordEnv\": \"NATS_PASSWORD\", \"tls\": {\"caFile\": \"/etc/nats/ca.pem\","
        + " \"certFile\": \"/etc/nats/client.pem\", \"keyFile\": \"/etc/nats/client-key.pem\"}}")
        .nats();
    assertEquals("NATS_PASSWORD", nats.passwordEnv());
    assertEquals("/etc/nats/ca.pem", nats.tls().caFile());
    assertEquals("prod.backup", nats.subjectPrefix());
  }

  @Test
  void badValuesAreReportedByTheirKey() {
    refused("nats.instance", "{}");
    refused("nats.instance", "{\"instance\": \"nope\"}");
    refused("nats.url", "{\"instance\": \"main1\", \"url\": \"http://127.0.0.1:4222\"}");
    refused("nats.url", "{\"instance\": \"main1\", \"url\": \"nats://u:p@127.0.0.1:4222\"}");
    for (String prefix : new String[] {"backup.*", "backup.>", "$SRV", "a..b", ".a", "a b", ""}) {
      refused("nats.subjectPrefix", "{\"instance\": \"main1\", \"subjectPrefix\": \"" + prefix
          + "\"}");
    }
    refused("nats.serviceName", "{\"instance\": \"main1\", \"serviceName\": \"a.b\"}");
    refused("nats.passwordEnv", "{\"instance\": \"main1\", \"userEnv\": \"NATS_USER\"}");
    refused("nats.tokenEnv", "{\"instance\": \"main1\", \"tokenEnv\": \"secret-token\"}");
    refused("nats", "{\"instance\": \"main1\", \"tokenEnv\": \"T\", \"credsFile\": \"/c\"}");
    refused("nats.credsFile", "{\"instance\": \"main1\", \"credsFile\": \"relative.creds\"}");
    refused("nats.tls.keyFile", "{\"instance\": \"main1\", \"tls\": {\"certFile\": \"/c.pem\"}}");
    refused("nats.requestTimeoutSeconds", "{\"instance\": \"main1\","
        + " \"requestTimeoutSeconds\": 0}");
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> withNats("{\"instance\": \"main1\", \"password\": \"x\"}"));
    assertEquals("nats.password", unknown.key());
  }

  @Test
  void aWrittenConfigWithTheGatewayReadsBack() throws Exception {
    RestoreflowConfig config = withNats("{\"instance\": \"main1\", \"tokenEnv\": \"NATS_TOKEN\"}");
    String written = new ObjectMapper().writeValueAsString(config);
    assertEquals(config.nats(), ConfigLoader.parse(written).nats());
  }
}
