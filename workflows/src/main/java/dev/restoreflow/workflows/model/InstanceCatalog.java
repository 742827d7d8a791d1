package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An instance's backups, oldest first, and the window it can be restored to.
 *
 * @param restorableFrom the earliest point in time a restore can reach (ISO-8601; null = none)
 * @param restorableTo the latest point in time a restore can reach, given the WAL archive
 * @param walArchivedTo the newest WAL file in the instance's archive (null = no archive): a restore
 *     to a point in time can replay up to its end
 * @param note how the window was worked out, or why the repository could not be read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceCatalog(
    String instance,
    String engine,
    List<CatalogBackup> backups,
    String restorableFrom,
    String restorableTo,
    String walArchivedTo,
    String note) {}
