package dev.restoreflow.activities.pgdump;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A dump's metadata ({@code meta.json}), written after the dump is stored and checked: what a
 * restore needs to rebuild the database and to prove it did.
 *
 * @param type {@code full} (every table's data) or {@code incremental} (the schema, and the data
 *     of the tables whose content changed since its parent)
 * @param parentId the backup an incremental builds on; null for a full
 * @param reason why it is of its type (the automatic decision, or what was asked)
 * @param bytes the dump's size; {@code sha256} its SHA-256
 * @param tables every table of the database at the backup, with where its data is
 * @param dumpedTables the tables whose data this dump holds
 * @param droppedTables tables the parent had and this backup no longer has
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
    List<String> droppedTables) {

  static final int FORMAT = 1;
  static final String FULL = "full";
  static final String INCREMENTAL = "incremental";

  boolean isFull() {
    return FULL.equals(type);
  }

  long rows() {
    return tables.stream().mapToLong(TableState::rows).sum();
  }
}
