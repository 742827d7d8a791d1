package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A dump's metadata ({@code meta.json}), written after the dump is stored and checked: what a
 * restore needs to rebuild the database and to prove it did.
 *
 * @param id the start time, or the name the backup was given
 * @param type {@code full} (every table's data) or {@code incremental} (the schema, and the data
 *     of the tables whose content changed since its parent)
 * @param parentId the backup an incremental builds on (in the same place); null for a full
 * @param reason why it is of its type (the automatic decision, or what was asked)
 * @param bytes the dump's size; {@code sha256} its SHA-256
 * @param tables every table of the database at the backup, with where its data is
 * @param dumpedTables the tables whose data this dump holds
 * @param droppedTables tables the parent had and this backup no longer has
 * @param dir the directory it was put in ({@code --dir}); null = the default place
 * @param dumpFile the dump's file name beside meta.json; null = {@code dump.pgdump}
 * @param jobId the job that took it (a retry of that job finds it done)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DumpMeta(
    int format,
    String id,
    String instance,
    String type,
    String parentId,
    String reason,
    String startTime,
    String endTime,
    String database,
    String serverVersion,
    long bytes,
    String sha256,
    List<TableState> tables,
    List<String> dumpedTables,
    List<String> droppedTables,
    String dir,
    String dumpFile,
    String jobId) {

  static final int FORMAT = 1;
  static final String FULL = "full";
  static final String INCREMENTAL = "incremental";

  /** A dump in the default place, under its usual file name, of no particular job. */
  DumpMeta(int format, String id, String instance, String type, String parentId, String reason,
      String startTime, String endTime, String database, String serverVersion, long bytes,
      String sha256, List<TableState> tables, List<String> dumpedTables,
      List<String> droppedTables) {
    this(format, id, instance, type, parentId, reason, startTime, endTime, database,
        serverVersion, bytes, sha256, tables, dumpedTables, droppedTables, null, null, null);
  }

  boolean isFull() {
    return FULL.equals(type);
  }

  long rows() {
    return tables.stream().mapToLong(TableState::rows).sum();
  }

  /** The dump's key in the repository. */
  String dumpKey() {
    return PgDumpLayout.dump(instance, dir, id, dumpFile);
  }

  String describePlace() {
    return dir == null ? "the default place" : "dir " + dir;
  }
}
