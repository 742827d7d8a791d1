package dev.restoreflow.activities.pgdump;

/**
 * One table as a backup saw it, inside the dump's own snapshot.
 *
 * @param schema its schema; {@code table} its name (as PostgreSQL has them, unquoted)
 * @param schemaHash MD5 of its columns (names, types, not-null, defaults): a change means its
 *     older data no longer fits, so it is dumped
 * @param rows its row count
 * @param fingerprint an order-independent 128-bit sum of the MD5 of every row's text: equal
 *     content, equal fingerprint
 * @param dataIn the backup whose dump holds this content (this one, or one of its chain)
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record TableState(String schema, String table, String schemaHash, long rows,
    String fingerprint, String dataIn) {

  /** The qualified name, quoted as SQL wants it. */
  String name() {
    return new Tables.Table(schema, table, schemaHash).sql();
  }

  boolean sameTable(TableState other) {
    return schema.equals(other.schema) && table.equals(other.table);
  }

  boolean sameContent(TableState other) {
    return other != null && schemaHash.equals(other.schemaHash) && rows == other.rows
        && fingerprint.equals(other.fingerprint);
  }

  TableState heldBy(String backupId) {
    return new TableState(schema, table, schemaHash, rows, fingerprint, backupId);
  }
}
