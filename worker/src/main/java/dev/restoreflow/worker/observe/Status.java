package dev.restoreflow.worker.observe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code restoreflow status} shows: the Temporal server, the workers polling the server's
 * and each host's task queue, the gateways listening, and the newest backup of each instance.
 *
 * @param backupsNote why the catalog could not be read (null when it was)
 */
public record Status(TemporalServer temporal, List<Workers> workers, List<Gateway> gateways,
    List<NewestBackup> backups, String backupsNote) {

  /** The Temporal server at the config's address, for its namespace. */
  public record TemporalServer(String target, String namespace, boolean reachable,
      String version, String detail) {}

  /**
   * The workers polling one task queue.
   *
   * @param role {@code server} (the workflow worker) or {@code host}
   * @param name the host's name (or {@code restoreflow} for the server)
   */
  public record Workers(String role, String name, String taskQueue, boolean ok,
      List<Pollers.Poller> pollers, String detail) {}

  /** A gateway's configured address and whether something accepts connections there. */
  public record Gateway(String name, String address, boolean listening, String detail) {}

  /**
   * @param backupId null when the instance has no OK backup
   * @param ageSeconds since the backup ended
   */
  public record NewestBackup(String instance, String engine, String backupId, String type,
      String endTime, Long ageSeconds, String note) {}

  public Status {
    workers = List.copyOf(workers);
    gateways = List.copyOf(gateways);
    backups = List.copyOf(backups);
  }

  /** Whether everything that should run runs. */
  @JsonProperty("ok")
  public boolean ok() {
    return down().isEmpty();
  }

  /** What is down, by name. */
  @JsonProperty("down")
  public List<String> down() {
    List<String> down = new ArrayList<>();
    if (!temporal.reachable()) {
      down.add("temporal");
    }
    workers.stream().filter(w -> !w.ok()).forEach(w -> down.add(w.role().equals("host")
        ? "host " + w.name() : "server"));
    gateways.stream().filter(g -> !g.listening()).forEach(g -> down.add("gateway " + g.name()));
    return down;
  }
}
