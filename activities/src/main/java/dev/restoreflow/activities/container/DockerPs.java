package dev.restoreflow.activities.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads {@code docker ps --format '{{json .}}'}: one JSON object a line, with string fields
 * {@code ID} (12 hex digits), {@code Names} (comma-separated), {@code Image}, {@code State},
 * {@code Status} among others.
 */
public final class DockerPs {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One running container as docker ps shows it. */
  public record Container(String id, List<String> names, String image, String state,
      String status) {

    /** The first name, the one docker exec and cp accept. */
    public String name() {
      return names.isEmpty() ? id : names.get(0);
    }

    /** True when {@code nameOrId} is one of its names, or its id (or a prefix of either id). */
    public boolean isCalled(String nameOrId) {
      return names.contains(nameOrId)
          || nameOrId.matches("[0-9a-f]{4,64}")
              && (id.startsWith(nameOrId) || nameOrId.startsWith(id));
    }

    /** For messages: {@code pc_db (postgres:15)}. */
    public String describe() {
      return name() + " (" + image + ")";
    }
  }

  private DockerPs() {}

  /** @throws IllegalArgumentException for a line that is not a container's JSON object */
  public static List<Container> parse(String stdout) {
    List<Container> containers = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("docker ps printed a line that is not JSON: "
            + abbreviate(line), e);
      }
      if (node == null || !node.isObject() || !node.path("ID").isTextual()
          || !node.path("Image").isTextual()) {
        throw new IllegalArgumentException("docker ps printed a line without ID and Image: "
            + abbreviate(line));
      }
      List<String> names = Arrays.stream(node.path("Names").asText("").split(","))
          .map(String::strip).filter(n -> !n.isEmpty()).toList();
      containers.add(new Container(node.get("ID").asText(), names, node.get("Image").asText(),
          node.path("State").asText(""), node.path("Status").asText("")));
    }
    return containers;
  }

  /**
   * True for an image of the official PostgreSQL repository name: {@code postgres},
   * {@code postgres:16-alpine}, {@code docker.io/library/postgres:15},
   * {@code registry.example:5000/db/postgres@sha256:...}; false for {@code postgresql},
   * {@code postgres-exporter} and the like.
   */
  public static boolean isPostgresImage(String image) {
    String ref = image.strip();
    int digest = ref.indexOf('@');
    if (digest >= 0) {
      ref = ref.substring(0, digest);
    }
    String last = ref.substring(ref.lastIndexOf('/') + 1);
    int tag = last.indexOf(':');
    return (tag >= 0 ? last.substring(0, tag) : last).equals("postgres");
  }

  private static String abbreviate(String line) {
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
