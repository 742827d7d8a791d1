package dev.restoreflow.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookEndpointTest {

  private static final WebhookConfig AUDIT = new WebhookConfig("audit", "AUDIT_URL",
      "AUDIT_TOKEN", WebhookConfig.JSON, null);
  private static final WebhookConfig ONCALL = new WebhookConfig("oncall", "ONCALL_URL", null,
      WebhookConfig.SLACK, null);

  @Test
  void urlAndTokenComeFromTheEnvironment() {
    WebhookEndpoint endpoint = WebhookEndpoint.read(AUDIT, Map.of(
        "AUDIT_URL", "https://hooks.example.com/T0/s3cr3t", "AUDIT_TOKEN", " tok-123 ")::get);
    assertEquals(URI.create("https://hooks.example.com/T0/s3cr3t"), endpoint.url());
    assertEquals("tok-123", endpoint.token());
    assertFalse(endpoint.toString().contains("s3cr3t") || endpoint.toString().contains("tok"));
    assertNull(WebhookEndpoint.read(ONCALL, Map.of("ONCALL_URL", "http://127.0.0.1:9/x")::get)
        .token());
  }

  @Test
  void anUnsetVariableIsNamed() {
    var e = assertThrows(WebhookEndpoint.BadEndpointException.class,
        () -> WebhookEndpoint.read(ONCALL, Map.<String, String>of()::get));
    assertEquals("urlEnv", e.field());
    assertTrue(e.getMessage().contains("ONCALL_URL is not set"), e.getMessage());
    var token = assertThrows(WebhookEndpoint.BadEndpointException.class,
        () -> WebhookEndpoint.read(AUDIT, Map.of("AUDIT_URL", "https://h/x")::get));
    assertEquals("tokenEnv", token.field());
    assertTrue(token.getMessage().contains("AUDIT_TOKEN is not set"), token.getMessage());
  }

  @Test
  void onlyHttpUrlsWithAHostAndNoUserInfoAreTakenAndTheValueIsNeverQuoted() {
    for (String bad : new String[] {"ftp://h/s3cr3t", "file:///s3cr3t", "s3cr3t",
        "https:///s3cr3t", "https://user:s3cr3t@h/x", "http://h/ s3cr3t"}) {
      var e = assertThrows(WebhookEndpoint.BadEndpointException.class,
          () -> WebhookEndpoint.read(ONCALL, Map.of("ONCALL_URL", bad)::get), bad);
      assertEquals("urlEnv", e.field());
      assertTrue(e.getMessage().contains("ONCALL_URL"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }
  }

  @Test
  void aTokenWithSpacesOrControlCharactersIsRefused() {
    var e = assertThrows(WebhookEndpoint.BadEndpointException.class,
        () -> WebhookEndpoint.read(AUDIT, Map.of("AUDIT_URL", "https://h/x",
            "AUDIT_TOKEN", "tok s3cr3t")::get));
    assertEquals("tokenEnv", e.field());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }
}
