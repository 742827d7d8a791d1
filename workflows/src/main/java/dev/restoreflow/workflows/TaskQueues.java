package dev.restoreflow.workflows;

/** Task queue and workflow id conventions shared by clients, the server and host workers. */
public final class TaskQueues {

  /** Where the workflow code (and the server's local activities) runs. */
  public static final String SERVER = "restoreflow";

  private TaskQueues() {}

  public static String forHost(String host) {
    return "restoreflow.host." + host;
  }

  /**
   * A host's reads (the catalog's ListBackups): apart from {@link #forHost}, whose worker runs one
   * job step at a time, so a listing does not wait for a restore or backup of that host to end.
   */
  public static String forHostReads(String host) {
    return "restoreflow.reads." + host;
  }

  public static String hostQueueWorkflowId(String host) {
    return "host-queue:" + host;
  }

  public static String restoreWorkflowId(String jobId) {
    return "restore-" + jobId;
  }

  public static String backupWorkflowId(String jobId) {
    return "backup-" + jobId;
  }

  public static String retentionWorkflowId(String jobId) {
    return "retention-" + jobId;
  }

  /** The job id of a workflow id; workflows started by hand keep their own id as job id. */
  public static String jobIdOf(String workflowId) {
    for (String prefix : new String[] {"restore-", "backup-", "retention-"}) {
      if (workflowId.startsWith(prefix)) {
        return workflowId.substring(prefix.length());
      }
    }
    return workflowId;
  }
}
