package dev.restoreflow.worker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks responses against the API's OpenAPI document, for the subset of OpenAPI 3 it uses:
 * paths with {@code {name}} segments, responses by status or {@code default}, {@code $ref} to
 * components, and schemas of type object (required, properties, additionalProperties: false),
 * array (items), string (enum), integer, number and boolean.
 */
public final class OpenApiChecker {

  private final JsonNode doc;

  public OpenApiChecker(JsonNode doc) {
    this.doc = doc;
  }

  /** The document the server serves, from the worker's resources. */
  public static OpenApiChecker load() {
    try (InputStream in = OpenApiChecker.class.getResourceAsStream(ApiRoutes.OPENAPI_RESOURCE)) {
      return new OpenApiChecker(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode doc() {
    return doc;
  }

  /** The template of the documented path {@code path} matches, or null. */
  public String template(String path) {
    for (Iterator<String> it = doc.get("paths").fieldNames(); it.hasNext(); ) {
      String template = it.next();
      if (matches(template, path)) {
        return template;
      }
    }
    return null;
  }

  public boolean documents(String method, String path) {
    String template = template(path);
    return template != null && doc.get("paths").get(template).has(method.toLowerCase(Locale.ROOT));
  }

  /** What is wrong with the response; empty when it is what the document says. */
  public List<String> check(String method, String path, int status, String contentType,
      String body) {
    List<String> errors = new ArrayList<>();
    String template = template(path);
    if (template == null) {
      return List.of("path " + path + " is not documented");
    }
    JsonNode operation = doc.get("paths").get(template).get(method.toLowerCase(Locale.ROOT));
    if (operation == null) {
      return List.of(method + " " + template + " is not documented");
    }
    JsonNode responses = operation.get("responses");
    JsonNode response = responses.has(String.valueOf(status))
        ? responses.get(String.valueOf(status)) : responses.get("default");
    if (response == null) {
      return List.of(method + " " + template + ": status " + status + " is not documented");
    }
    response = resolve(response);
    JsonNode content = response.get("content");
    if (content == null) {
      return body == null || body.isEmpty() ? List.of()
          : List.of(method + " " + template + " " + status + ": a body where none is documented");
    }
    String mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
    JsonNode media = content.get(mediaType);
    if (media == null) {
      return List.of(method + " " + template + " " + status + ": content type " + contentType
          + " is not documented (" + iterable(content.fieldNames()) + ")");
    }
    JsonNode schema = media.get("schema");
    if (mediaType.endsWith("json")) {
      JsonNode value;
      try {
        value = new ObjectMapper().readTree(body);
      } catch (IOException e) {
        return List.of(method + " " + template + " " + status + ": the body is not JSON: " + body);
      }
      validate(schema, value, "$", errors);
    } else if (!"string".equals(resolve(schema).path("type").asText())) {
      errors.add(method + " " + template + ": " + mediaType + " documented as non-string");
    }
    return errors;
  }

  /** What is wrong with {@code value} against the schema named {@code name} in the components. */
  public List<String> checkSchema(String name, JsonNode value) {
    List<String> errors = new ArrayList<>();
    validate(doc.get("components").get("schemas").get(name), value, "$", errors);
    return errors;
  }

  private void validate(JsonNode schema, JsonNode value, String where, List<String> errors) {
    schema = resolve(schema);
    String type = schema.path("type").asText("");
    if (value == null || value.isNull()) {
      errors.add(where + ": null where " + type + " is documented");
      return;
    }
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          errors.add(where + ": not an object: " + value);
          return;
        }
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) {
            errors.add(where + ": required field '" + required.asText() + "' is missing");
          }
        }
        JsonNode properties = schema.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          if (properties.has(field.getKey())) {
            validate(properties.get(field.getKey()), field.getValue(),
                where + "." + field.getKey(), errors);
          } else if (schema.path("additionalProperties").isBoolean()
              && !schema.get("additionalProperties").asBoolean()) {
            errors.add(where + ": field '" + field.getKey() + "' is not documented");
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          errors.add(where + ": not an array: " + value);
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          validate(schema.get("items"), value.get(i), where + "[" + i + "]", errors);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          errors.add(where + ": not a string: " + value);
        } else if (schema.has("enum") && !iterable(schema.get("enum").elements()).stream()
            .map(JsonNode::asText).toList().contains(value.asText())) {
          errors.add(where + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          errors.add(where + ": not an integer: " + value);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          errors.add(where + ": not a number: " + value);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(where + ": not a boolean: " + value);
        }
      }
      default -> errors.add(where + ": the schema has no type this checker knows: " + schema);
    }
  }

  private JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      String[] parts = node.get("$ref").asText().substring(2).split("/");
      JsonNode target = doc;
      for (String part : parts) {
        target = target.get(part);
      }
      node = target;
    }
    return node;
  }

  private static <T> List<T> iterable(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static boolean matches(String template, String path) {
    List<String> t = Router.segments(template);
    List<String> p = Router.segments(path);
    if (t.size() != p.size()) {
      return false;
    }
    for (int i = 0; i < t.size(); i++) {
      boolean param = t.get(i).startsWith("{") && t.get(i).endsWith("}");
      if (param ? p.get(i).isEmpty() : !t.get(i).equals(p.get(i))) {
        return false;
      }
    }
    return true;
  }
}
