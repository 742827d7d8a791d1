package dev.restoreflow.worker.nats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A flat JSON object of strings written as the seed's Python service wrote it ({@code json.dumps}:
 * {@code {"status": "ok", "futurefilename": "..."}}, ASCII only), in the map's order.
 */
final class SeedJson {

  private static final JsonMapper STRINGS = JsonMapper.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private SeedJson() {}

  static byte[] object(Map<String, String> fields) {
    String text = fields.entrySet().stream()
        .map(e -> quoted(e.getKey()) + ": " + quoted(e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String quoted(String value) {
    try {
      return STRINGS.writeValueAsString(value == null ? "" : value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string that JSON cannot hold", e);
    }
  }
}
