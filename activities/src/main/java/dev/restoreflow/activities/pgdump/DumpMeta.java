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
 * @param databases an every-database backup's parts: one per database, each with the fields
 *     above for its own dump (same id, type decided per database); null for one database, whose
 *     fields are this record's own. The backup's {@code tables} is then empty and its {@code
 *     sha256} that of the globals.
 * @param globals an every-database backup's roles and settings file; null for one database
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
    String jobId,
    List<DumpMeta> databases,
    GlobalsFile globals) {

  static final int FORMAT = 1;
  /** Every database plus the globals. */
  static final int CLUSTER_FORMAT = 2;
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

  /** A dump of one database (the instance's, or a part of an every-database backup). */
  DumpMeta(int format, String id, String instance, String type, String parentId, String reason,
      String startTime, String endTime, String database, String serverVersion, long bytes,
      String sha256, List<TableState> tables, List<String> dumpedTables,
      List<String> droppedTables, String dir, String dumpFile, String jobId) {
    this(format, id, instance, type, parentId, reason, startTime, endTime, database,
        serverVersion, bytes, sha256, tables, dumpedTables, droppedTables, dir, dumpFile, jobId,
        null, null);
  }

  /**
   * A globals file of an every-database backup, beside its meta.json.
   *
   * @param file its name ({@code globals.json}, or another for a replacement)
   * @param roles how many roles it holds
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record GlobalsFile(String file, long bytes, String sha256, int roles) {}

  /** Every database of the cluster and the globals, not one database. */
  boolean allDatabases() {
    return databases != null;
  }

  /** The dumps of one database each: the parts, or this backup itself. */
  List<DumpMeta> parts() {
    return allDatabases() ? databases : List.of(this);
  }

  java.util.Optional<DumpMeta> part(String name) {
    return parts().stream().filter(p -> name.equals(p.database())).findFirst();
  }

  /** The keys of every object the backup is made of, meta.json aside. */
  List<String> objectKeys() {
    List<String> keys = new java.util.ArrayList<>(parts().stream().map(DumpMeta::dumpKey)
        .toList());
    if (globals != null) {
      keys.add(globalsKey());
    }
    return keys;
  }

  String globalsKey() {
    return PgDumpLayout.globals(instance, dir, id, globals.file());
  }

  /** What it holds, for people: one database, or every one of them. */
  String describeDatabases() {
    return allDatabases() ? "every database (" + String.join(", ", parts().stream()
        .map(DumpMeta::database).toList()) + ") and the globals (" + globals.roles() + " roles)"
        : "database " + database;
  }

  boolean isFull() {
    return FULL.equals(type);
  }

  long rows() {
    return parts().stream().flatMap(p -> p.tables().stream()).mapToLong(TableState::rows).sum();
  }

  int tableCount() {
    return parts().stream().mapToInt(p -> p.tables().size()).sum();
  }

  int dumpedTableCount() {
    return parts().stream().mapToInt(p -> p.dumpedTables().size()).sum();
  }

  /** The dump's key in the repository. */
  String dumpKey() {
    return PgDumpLayout.dump(instance, dir, id, dumpFile);
  }

  String describePlace() {
    return dir == null ? "the default place" : "dir " + dir;
  }
}
