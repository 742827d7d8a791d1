package dev.restoreflow.activities.mysqltables;

import static dev.restoreflow.activities.mysqltables.MysqlTablesEngine.FULL;
import static dev.restoreflow.activities.mysqltables.MysqlTablesEngine.NAME;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** ListBackups of engine mysqltables: the archives in the archive directory. */
final class ArchiveCatalog {

  private ArchiveCatalog() {}

  /**
   * Every archive of the seed's form, oldest first, with the tables its listing holds; one that
   * 7zz cannot list is CORRUPT. Listing reads the archive's headers only: damage inside the
   * packed data shows at {@code 7zz t} (VerifyBackup, PlanRestore).
   */
  static InstanceCatalog read(HostStep step) {
    MysqlTablesConfig config = step.instance().settings(MysqlTablesConfig.class);
    ArchiveDirectory archives = new ArchiveDirectory(config);
    try {
      List<CatalogBackup> listed = new ArrayList<>();
      for (String archive : archives.archives()) {
        Optional<List<SevenZip.Entry>> entries = archives.listing(archive);
        String end = archives.attributes(archive).lastModifiedTime().toInstant().toString();
        String start = ArchiveNames.timeOf(archive).toString();
        long stored = archives.attributes(archive).size();
        if (entries.isEmpty()) {
          listed.add(new CatalogBackup(step.instanceName(), NAME, archive, FULL,
              CatalogBackup.CORRUPT, start, end, 0, stored, null, List.of(archive), null, null,
              null, null));
          continue;
        }
        List<SevenZip.Entry> tables = entries.get().stream()
            .filter(e -> e.path().endsWith(TableNames.FILE_SUFFIX)).toList();
        listed.add(new CatalogBackup(step.instanceName(), NAME, archive, FULL, CatalogBackup.OK,
            start, end, tables.stream().mapToLong(SevenZip.Entry::size).sum(), stored, null,
            List.of(archive), null, null, null, tables.stream().map(SevenZip.Entry::path)
                .toList()));
      }
      List<CatalogBackup> good = listed.stream()
          .filter(b -> CatalogBackup.OK.equals(b.status())).toList();
      return new InstanceCatalog(step.instanceName(), NAME, listed,
          good.isEmpty() ? null : good.get(0).endTime(),
          good.isEmpty() ? null : good.get(good.size() - 1).endTime(), null,
          "7z archives of chosen tables of " + config.where() + " in " + config.archiveDir()
              + ": each restores its tables to the moment of its dump");
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "listing " + config.archiveDir() + ": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "listing archives: interrupted");
    }
  }
}
