package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One backup as the catalog lists it, read from the engine's own repository.
 *
 * @param status OK, RUNNING, ERROR or CORRUPT (the engine's own words are mapped onto these)
 * @param parentId the backup it builds on; null for a full backup
 * @param chain backup ids from the full backup to this one
 * @param dataBytes the data it holds (as restored); 0 when the engine does not say
 * @param storedBytes what it takes in the repository; 0 when the engine does not say
 * @param walStart first WAL position or segment the backup needs (an LSN or a segment name)
 * @param walStop last WAL position or segment the backup needs
 * @param startTime ISO-8601 instant the backup started; endTime when it ended (null if running)
 * @param dir the sub-directory of the repository the backup was put in ({@code backup --dir}):
 *     kept apart from retention and the automatic full/incremental decision; null = the
 *     instance's default place
 * @param tables the tables a table backup holds (mysqltables: as its archive names them, e.g.
 *     {@code orders.sql}); null for the others
 * @param provenAt when a drill last restored and checked this backup (ISO-8601); null = never
 * @param provenBy the job id of that drill
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CatalogBackup(
    String instance,
    String engine,
    String id,
    String type,
    String status,
    String startTime,
    String endTime,
    long dataBytes,
    long storedBytes,
    String parentId,
    List<String> chain,
    String walStart,
    String walStop,
    String dir,
    List<String> tables,
    String provenAt,
    String provenBy) {

  public CatalogBackup(String instance, String engine, String id, String type, String status,
      String startTime, String endTime, long dataBytes, long storedBytes, String parentId,
      List<String> chain, String walStart, String walStop, String dir, List<String> tables) {
    this(instance, engine, id, type, status, startTime, endTime, dataBytes, storedBytes, parentId,
        chain, walStart, walStop, dir, tables, null, null);
  }

  /** This backup, as last proven by the drill {@code proof}. */
  public CatalogBackup provenBy(ProvenBackup proof) {
    return new CatalogBackup(instance, engine, id, type, status, startTime, endTime, dataBytes,
        storedBytes, parentId, chain, walStart, walStop, dir, tables, proof.provenAt(),
        proof.jobId());
  }

  /** A backup of no particular tables. */
  public CatalogBackup(String instance, String engine, String id, String type, String status,
      String startTime, String endTime, long dataBytes, long storedBytes, String parentId,
      List<String> chain, String walStart, String walStop, String dir) {
    this(instance, engine, id, type, status, startTime, endTime, dataBytes, storedBytes, parentId,
        chain, walStart, walStop, dir, null);
  }

  /** A backup in the instance's default place. */
  public CatalogBackup(String instance, String engine, String id, String type, String status,
      String startTime, String endTime, long dataBytes, long storedBytes, String parentId,
      List<String> chain, String walStart, String walStop) {
    this(instance, engine, id, type, status, startTime, endTime, dataBytes, storedBytes, parentId,
        chain, walStart, walStop, null);
  }

  public static final String OK = "OK";
  public static final String RUNNING = "RUNNING";
  public static final String ERROR = "ERROR";
  public static final String CORRUPT = "CORRUPT";
}
