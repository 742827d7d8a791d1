package dev.restoreflow.worker.gateway;

/** One request line of the nc protocol, parsed. */
public sealed interface LineCommand {

  /** A well-formed request; {@code token} is the shared token it carries, or null. */
  sealed interface Request extends LineCommand {
    String token();
  }

  /** {@code db_instance=main1, db_host=S-DB1, backup_id=SSCOAD, incremental} (or {@code full}). */
  record Restore(String instance, String host, String backupId, boolean incremental,
      boolean full, String token) implements Request {

    @Override
    public String toString() {
      return "Restore[instance=" + instance + ", host=" + host + ", backupId=" + backupId
          + ", incremental=" + incremental + ", full=" + full + masked(token) + "]";
    }
  }

  /** {@code status <job id>[, token=...]}. */
  record Status(String jobId, String token) implements Request {

    @Override
    public String toString() {
      return "Status[jobId=" + jobId + masked(token) + "]";
    }
  }

  /** {@code queue [host][, token=...]}; host null = every host. */
  record Queue(String host, String token) implements Request {

    @Override
    public String toString() {
      return "Queue[host=" + host + masked(token) + "]";
    }
  }

  /** A line that is not a request: answered with {@code ERROR <code> <reason>}. */
  record Invalid(GatewayError error) implements LineCommand {}

  private static String masked(String token) {
    return token != null ? ", token=******" : "";
  }
}
