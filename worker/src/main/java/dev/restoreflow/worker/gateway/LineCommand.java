package dev.restoreflow.worker.gateway;

/** One request line of the nc protocol, parsed. */
public sealed interface LineCommand {

  /** {@code db_instance=main1, db_host=S-DB1, backup_id=SSCOAD, incremental}. */
  record Restore(String instance, String host, String backupId, boolean incremental, String token)
      implements LineCommand {

    @Override
    public String toString() {
      return "Restore[instance=" + instance + ", host=" + host + ", backupId=" + backupId
          + ", incremental=" + incremental + (token != null ? ", token=******" : "") + "]";
    }
  }

  /** {@code status <job id>}. */
  record Status(String jobId) implements LineCommand {}

  /** {@code queue [host]}; host null = every host. */
  record Queue(String host) implements LineCommand {}

  /** A line that is not a request: answered with {@code ERROR <code> <reason>}. */
  record Invalid(GatewayError error) implements LineCommand {}
}
