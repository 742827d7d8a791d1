package dev.restoreflow.activities.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code kubectl get pods -o json}: a list ({@code "kind": "List"}) whose {@code items} are
 * Pods with {@code metadata} (name, namespace, labels, deletionTimestamp while terminating),
 * {@code spec.containers} (name, image) and {@code status} (phase, containerStatuses[].ready).
 */
public final class KubePods {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A container of a pod's spec, with its readiness from the pod's status. */
  public record PodContainer(String name, String image, boolean ready) {}

  /** One pod as kubectl shows it. */
  public record Pod(String name, String namespace, Map<String, String> labels, String phase,
      boolean terminating, List<PodContainer> containers) {

    /**
     * Running, not being deleted, and every container ready: a pod restoreflow may exec into.
     * A terminating pod still says phase Running.
     */
    public boolean isUsable() {
      return "Running".equals(phase) && !terminating && !containers.isEmpty()
          && containers.stream().allMatch(PodContainer::ready);
    }

    /** For messages: {@code postgres-0 (Running, 1/1 ready)} or {@code ... terminating}. */
    public String describe() {
      long ready = containers.stream().filter(PodContainer::ready).count();
      return name + " (" + (terminating ? "terminating" : phase) + ", " + ready + "/"
          + containers.size() + " ready)";
    }
  }

  private KubePods() {}

  /** @throws IllegalArgumentException when the output is not a kubectl list of pods */
  public static List<Pod> parse(String stdout) {
    JsonNode root;
    try {
      root = JSON.readTree(stdout);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("kubectl get pods printed no JSON: "
          + e.getOriginalMessage(), e);
    }
    if (root == null || !root.path("items").isArray()) {
      throw new IllegalArgumentException("kubectl get pods printed JSON without an items list");
    }
    List<Pod> pods = new ArrayList<>();
    for (JsonNode item : root.get("items")) {
      JsonNode meta = item.path("metadata");
      Map<String, String> labels = new TreeMap<>();
      meta.path("labels").fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      Map<String, Boolean> ready = new TreeMap<>();
      for (JsonNode status : item.path("status").path("containerStatuses")) {
        ready.put(status.path("name").asText(), status.path("ready").asBoolean(false));
      }
      List<PodContainer> containers = new ArrayList<>();
      for (JsonNode c : item.path("spec").path("containers")) {
        String name = c.path("name").asText();
        containers.add(new PodContainer(name, c.path("image").asText(""),
            ready.getOrDefault(name, false)));
      }
      pods.add(new Pod(meta.path("name").asText(), meta.path("namespace").asText(), labels,
          item.path("status").path("phase").asText("Unknown"),
          !meta.path("deletionTimestamp").isMissingNode()
              && !meta.path("deletionTimestamp").isNull(),
          List.copyOf(containers)));
    }
    return pods;
  }
}
