package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HttpConfigTest {

  private static RestoreflowConfig withHttp(String http) {
    return ConfigLoader.parse(ConfigLoaderTest.GOOD.replace("\"hosts\":",
        "\"http\": {" + http + "}, \"hosts\":"));
  }

  private static void assertKey(String key, String http) {
    ConfigException e = assertThrows(ConfigException.class, () -> withHttp(http));
    assertEquals(key, e.key(), e.getMessage());
  }

  @Test
  void theApiListensOnLoopbackPort8080ByDefault() {
    HttpConfig http = ConfigLoader.parse(ConfigLoaderTest.GOOD).http();
    assertEquals(true, http.enabled());
    assertEquals("127.0.0.1", http.bind());
    assertEquals(8080, http.port());
    assertEquals(null, http.tokenEnv());
    assertTrue(http.maxStreams() < http.threads());
    assertEquals(HttpConfig.defaults(), withHttp("").http());
  }

  @Test
  void givenKeysAreKeptAndTheRestDefaulted() {
    HttpConfig http = withHttp("\"port\": 0, \"tokenEnv\": \"RF_HTTP_TOKEN\", \"threads\": 4,"
        + " \"maxBodyBytes\": 1024").http();
    assertEquals(0, http.port());
    assertEquals("RF_HTTP_TOKEN", http.tokenEnv());
    assertEquals(4, http.threads());
    assertEquals(2, http.maxStreams(), "at most half the threads follow jobs by default");
    assertEquals(1024, http.maxBodyBytes());
    assertEquals(HttpConfig.defaults().readTimeoutSeconds(), http.readTimeoutSeconds());
  }

  @Test
  void badValuesAreReportedByTheirKey() {
    assertKey("http.port", "\"port\": 70000");
    assertKey("http.bind", "\"bind\": \"localhost\"");
    assertKey("http.tokenEnv", "\"tokenEnv\": \"not a variable\"");
    assertKey("http.threads", "\"threads\": 1");
    assertKey("http.maxStreams", "\"threads\": 4, \"maxStreams\": 4");
    assertKey("http.maxBodyBytes", "\"maxBodyBytes\": 0");
    assertKey("http.readTimeoutSeconds", "\"readTimeoutSeconds\": 0");
    assertKey("http.noSuchKey", "\"noSuchKey\": 1");
  }
}
