package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.notify.WebhookConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationsConfigTest {

  private static final String SECTION = """
      "notifications": {
        "stallAfter": "30m",
        "webhooks": [
          {"name": "oncall", "urlEnv": "RESTOREFLOW_ONCALL_WEBHOOK", "format": "slack",
           "events": ["FAILED", "STALLED", "AWAITING_APPROVAL", "REJECTED"]},
          {"name": "audit", "urlEnv": "RESTOREFLOW_AUDIT_WEBHOOK",
           "tokenEnv": "RESTOREFLOW_AUDIT_TOKEN", "format": "json"}]}
      """;

  private static RestoreflowConfig parse(String section) {
    return ConfigLoader.parse(ConfigLoaderTest.GOOD.replaceFirst("\\{",
        "{\"ledger\": \"state/ledger.db\", " + section + ","), Path.of("/srv/restoreflow"));
  }

  private static ConfigException bad(String section) {
    return assertThrows(ConfigException.class, () -> parse(section));
  }

  @Test
  void theSectionLoadsWithItsDefaults() {
    NotificationsConfig n = parse(SECTION).notifications();
    assertEquals(1800L, n.stallAfterSeconds());
    assertEquals(List.of("oncall", "audit"), n.webhooks().stream().map(WebhookConfig::name)
        .toList());
    assertEquals(List.of("FAILED", "STALLED", "AWAITING_APPROVAL", "REJECTED"),
        n.webhooks().get(0).events());
    assertEquals(WebhookConfig.EVENTS, n.webhooks().get(1).events());
    assertEquals("RESTOREFLOW_AUDIT_TOKEN", n.webhooks().get(1).tokenEnv());
    assertEquals("/srv/restoreflow/state/ledger-notices.db", n.deliveries());
    assertEquals(WebhookConfig.JSON, parse(SECTION.replace(", \"format\": \"json\"", ""))
        .notifications().webhooks().get(1).format());
  }

  @Test
  void withoutTheSectionThereAreNoWebhooksAndNoStallNotices() {
    NotificationsConfig none = ConfigLoader.parse(ConfigLoaderTest.GOOD).notifications();
    assertEquals(List.of(), none.webhooks());
    assertNull(none.stallAfterSeconds());
    assertNull(parse("\"notifications\": {\"webhooks\": []}").notifications()
        .stallAfterSeconds());
  }

  @Test
  void stallAfterIsANumberAndAUnitOfAtLeastAMinute() {
    assertEquals(7200L, parse("\"notifications\": {\"stallAfter\": \"2h\"}").notifications()
        .stallAfterSeconds());
    assertEquals(90L, parse("\"notifications\": {\"stallAfter\": \"90s\"}").notifications()
        .stallAfterSeconds());
    for (String value : new String[] {"30", "30 min", "-5m", "PT30M", "30s", ""}) {
      ConfigException e = bad("\"notifications\": {\"stallAfter\": \"" + value + "\"}");
      assertEquals("notifications.stallAfter", e.key(), value);
    }
  }

  @Test
  void everyWebhookKeyIsCheckedByName() {
    Map<String, String> cases = Map.of(
        SECTION.replace("\"name\": \"audit\", ", ""), "notifications.webhooks[1].name",
        SECTION.replace("\"audit\"", "\"oncall\""), "notifications.webhooks[1].name",
        SECTION.replace("\"urlEnv\": \"RESTOREFLOW_AUDIT_WEBHOOK\",", ""),
        "notifications.webhooks[1].urlEnv",
        SECTION.replace("RESTOREFLOW_AUDIT_WEBHOOK", "https://hooks.example.com/s3cr3t"),
        "notifications.webhooks[1].urlEnv",
        SECTION.replace("RESTOREFLOW_AUDIT_TOKEN", "lower_case"),
        "notifications.webhooks[1].tokenEnv",
        SECTION.replace("\"json\"", "\"xml\""), "notifications.webhooks[1].format",
        SECTION.replace("\"STALLED\"", "\"STALLED_JOB\""), "notifications.webhooks[0].events[1]",
        SECTION.replace("[\"FAILED\", \"STALLED\", \"AWAITING_APPROVAL\", \"REJECTED\"]", "[]"),
        "notifications.webhooks[0].events",
        "\"notifications\": {\"webhooks\": [null]}", "notifications.webhooks[0]",
        "\"notifications\": {\"deliveries\": \"notices.db\"}", "notifications.deliveries");
    cases.forEach((section, key) -> assertEquals(key, bad(section).key(), section));
  }

  @Test
  void unknownKeysAreNamed() {
    ConfigException e = bad(SECTION.replace("\"format\": \"slack\"", "\"url\": \"x\""));
    assertTrue(e.getMessage().contains("unknown key 'url'"), e.getMessage());
    assertTrue(e.key().startsWith("notifications.webhooks"), e.key());
  }

  @Test
  void atMostTenWebhooks() {
    StringBuilder many = new StringBuilder("\"notifications\": {\"webhooks\": [");
    for (int i = 0; i < 11; i++) {
      many.append(i == 0 ? "" : ",").append("{\"name\": \"w").append(i)
          .append("\", \"urlEnv\": \"W").append(i).append("\"}");
    }
    assertEquals("notifications.webhooks", bad(many + "]}").key());
  }

  @Test
  void theDeliveryRecordMustStayOutOfEveryDataDirectory() {
    ConfigException e = bad(SECTION.replace("\"stallAfter\"",
        "\"deliveries\": \"/var/lib/postgresql/15/main/notices.db\", \"stallAfter\""));
    assertEquals("notifications.deliveries", e.key());
  }

  @Test
  void theEnvironmentCheckNamesTheVariableAndNeverItsValue() {
    NotificationsConfig n = parse(SECTION).notifications();
    ConfigException unset = assertThrows(ConfigException.class, () -> n.checkEnvironment(
        Map.of("RESTOREFLOW_ONCALL_WEBHOOK", "https://hooks.example.com/s3cr3t")::get));
    assertEquals("notifications.webhooks[1].urlEnv", unset.key());
    assertTrue(unset.getMessage().contains("RESTOREFLOW_AUDIT_WEBHOOK is not set"),
        unset.getMessage());
    ConfigException noToken = assertThrows(ConfigException.class, () -> n.checkEnvironment(
        Map.of("RESTOREFLOW_ONCALL_WEBHOOK", "https://h/s3cr3t",
            "RESTOREFLOW_AUDIT_WEBHOOK", "https://h/s3cr3t")::get));
    assertEquals("notifications.webhooks[1].tokenEnv", noToken.key());
    ConfigException notHttp = assertThrows(ConfigException.class, () -> n.checkEnvironment(
        Map.of("RESTOREFLOW_ONCALL_WEBHOOK", "ftp://h/s3cr3t")::get));
    assertEquals("notifications.webhooks[0].urlEnv", notHttp.key());
    for (ConfigException e : List.of(unset, noToken, notHttp)) {
      assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }
    n.checkEnvironment(Map.of("RESTOREFLOW_ONCALL_WEBHOOK", "https://h/s3cr3t",
        "RESTOREFLOW_AUDIT_WEBHOOK", "http://127.0.0.1:8080/x",
        "RESTOREFLOW_AUDIT_TOKEN", "t0k3n")::get);
  }

  @Test
  void aWrittenConfigLoadsAgain() throws Exception {
    RestoreflowConfig config = parse(SECTION);
    String written = new ObjectMapper().writeValueAsString(config);
    assertFalse(written.contains("stallAfterSeconds"), written);
    assertEquals(config.notifications(), ConfigLoader.parse(written).notifications());
    RestoreflowConfig plain = ConfigLoader.parse(ConfigLoaderTest.GOOD);
    assertEquals(plain.notifications(), ConfigLoader.parse(new ObjectMapper()
        .writeValueAsString(plain)).notifications());
  }
}
