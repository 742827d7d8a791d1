package dev.restoreflow.activities.mysqltables;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * An archive's {@code manifest.json}: what was dumped, from which snapshot, and each table's row
 * count and checksum computed in that same snapshot (what a restore is checked against).
 *
 * @param binlog {@code file:position} of the snapshot, or {@code binlog off}
 * @param writersHeldMillis how long writers waited on FLUSH TABLES WITH READ LOCK while the
 *     snapshots were taken
 * @param startTime, endTime ISO-8601 UTC
 */
public record Manifest(int format, String archive, String jobId, String database,
    String serverVersion, String binlog, long writersHeldMillis, String startTime,
    String endTime, List<TableFacts> tables) {

  static final String FILE = "manifest.json";
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One table as dumped.
   *
   * @param file its file in the archive, e.g. {@code orders.sql}
   * @param checksum {@link TableChecksum}'s text, e.g. {@code crc32:sum=123,xor=45}
   */
  public record TableFacts(String name, String file, long rows, String checksum, long bytes) {}

  public Manifest {
    tables = List.copyOf(tables);
  }

  Optional<TableFacts> table(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  List<String> tableNames() {
    return tables.stream().map(TableFacts::name).toList();
  }

  byte[] toJson() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  /** @throws IOException when the bytes are no manifest restoreflow wrote */
  static Manifest parse(byte[] json) throws IOException {
    Manifest manifest = JSON.readValue(json, Manifest.class);
    if (manifest.format() != FORMAT || manifest.tables() == null
        || manifest.tables().isEmpty()) {
      throw new IOException("manifest.json is not one restoreflow wrote (format "
          + manifest.format() + ")");
    }
    for (TableFacts table : manifest.tables()) {
      TableNames.parse(table.name());
      if (!TableNames.file(table.name()).equals(table.file())) {
        throw new IOException("manifest.json names file " + table.file() + " for table "
            + table.name());
      }
    }
    return manifest;
  }
}
