package dev.restoreflow.activities.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;

/** Reads an engine's section of the config into the engine's record, naming a bad key. */
public final class SettingsSection {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private SettingsSection() {}

  /**
   * @param key the section's key, e.g. {@code instances.main1.basebackup}
   * @param section the section as written; null when the instance has none
   * @return null when {@code section} is null or JSON null
   * @throws BadSettingException for an unknown key or a value of the wrong type
   */
  public static <T> T read(String key, JsonNode section, Class<T> type) {
    if (section == null || section.isNull()) {
      return null;
    }
    if (!section.isObject()) {
      throw new BadSettingException(key, "must be an object {...}");
    }
    try {
      return JSON.treeToValue(section, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BadSettingException(key + path(e), "unknown key '" + e.getPropertyName()
          + "'; known: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      throw new BadSettingException(key + path(e), "bad value: " + e.getOriginalMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadSettingException(key, "bad value: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName()
            : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining());
  }
}
