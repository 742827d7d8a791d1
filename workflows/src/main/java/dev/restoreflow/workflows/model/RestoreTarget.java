package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a restore of an instance would overwrite, as read on its host when the catalog was listed:
 * shown before a person confirms a restore.
 *
 * @param host the instance's host in the config
 * @param where what is overwritten: "database shop in docker container pg-1", "data directory
 *     /var/lib/postgresql/15/main"
 * @param running whether PostgreSQL answers there now
 * @param sizeBytes the database's or the data directory's size; -1 when it could not be read
 * @param connections sessions open there now (other than restoreflow's); -1 when not known
 * @param note why something could not be read, or null
 * @param tables the database's tables, for an engine that backs up chosen tables (mysqltables:
 *     the NATS gateway refuses a backup of a table that is not there); null for the others
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreTarget(
    String host,
    String where,
    boolean running,
    long sizeBytes,
    int connections,
    String note,
    java.util.List<String> tables) {

  /** A target of no particular tables. */
  public RestoreTarget(String host, String where, boolean running, long sizeBytes,
      int connections, String note) {
    this(host, where, running, sizeBytes, connections, note, null);
  }

  public static final long UNKNOWN_SIZE = -1;
  public static final int UNKNOWN_CONNECTIONS = -1;

  /** A target that could not be read at all. */
  public static RestoreTarget unread(String host, String where, String why) {
    return new RestoreTarget(host, where, false, UNKNOWN_SIZE, UNKNOWN_CONNECTIONS, why);
  }
}
