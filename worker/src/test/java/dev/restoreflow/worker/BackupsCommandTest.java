package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table {@code restoreflow backups} prints for people: every row's columns line up. */
class BackupsCommandTest {

  @Test
  void columnsLineUpForTimesWithAndWithoutMillisecondsARunningBackupAndALongName() {
    InstanceCatalog probackup = new InstanceCatalog("main1", "probackup", List.of(
        backup("TP9FW5", "FULL", "OK", "2026-11-29T11:00:05Z", "2026-11-29T11:00:07Z", null,
            List.of("TP9FW5")),
        backup("TP9FW8", "DELTA", "OK", "2026-11-29T11:00:08Z", "2026-11-29T11:00:12Z", "TP9FW5",
            List.of("TP9FW5", "TP9FW8")),
        backup("TP9FZD", "DELTA", "RUNNING", "2026-11-29T11:02:01Z", null, "TP9FW8",
            List.of("TP9FW5", "TP9FW8", "TP9FZD"))),
        "2026-11-29T11:00:07Z", "2026-11-29T11:00:12Z", null, "STREAM backups");
    InstanceCatalog basebackup = new InstanceCatalog("lake", "basebackup", List.of(
        backup("20261129T111029Z", "full", "OK", "2026-11-29T11:10:29.694Z",
            "2026-11-29T11:10:30.934Z", null, List.of("20261129T111029Z"))),
        "2026-11-29T11:10:30.934Z", "2026-11-29T11:10:30.934Z", "000000010000000000000005",
        "a restore reaches the end of any backup");

    CatalogBackup apart = new CatalogBackup("shop", "pgdump", "before_the_migration_of_v3",
        "full", "OK", "2026-11-29T11:20:00Z", "2026-11-29T11:20:02Z", 0, 4096, null,
        List.of("before_the_migration_of_v3"), null, null, "pre-migration");
    InstanceCatalog pgdump = new InstanceCatalog("shop", "pgdump", List.of(
        backup("20261129T111029Z", "full", "OK", "2026-11-29T11:10:29.694Z",
            "2026-11-29T11:10:30.934Z", null, List.of("20261129T111029Z")), apart),
        "2026-11-29T11:10:30.934Z", "2026-11-29T11:20:02Z", null, "logical dumps");
    assertTrue(print(pgdump).contains("before_the_migration_of_v3  (kept apart in dir"
        + " pre-migration)"), print(pgdump));

    for (InstanceCatalog entry : List.of(probackup, basebackup, pgdump)) {
      List<String> lines = print(entry).lines().toList();
      String header = lines.get(2);
      assertTrue(header.trim().startsWith("id "), String.join("\n", lines));
      for (int i = 0; i < entry.backups().size(); i++) {
        CatalogBackup b = entry.backups().get(i);
        String row = lines.get(3 + i);
        String table = String.join("\n", lines);
        assertEquals(header.indexOf(" start ") + 1, row.indexOf(b.startTime()),
            "start column:\n" + table);
        assertEquals(header.indexOf(" end ") + 1,
            row.indexOf(b.endTime() == null ? "-" : b.endTime(), row.indexOf(b.startTime())
                + b.startTime().length()), "end column:\n" + table);
        assertEquals(header.indexOf(" chain") + 1, row.lastIndexOf(String.join(">", b.chain())),
            "chain column:\n" + table);
      }
    }
  }

  private static CatalogBackup backup(String id, String type, String status, String start,
      String end, String parent, List<String> chain) {
    return new CatalogBackup("i", "e", id, type, status, start, end, 23_570_140, 40_347_356,
        parent, chain, "0/2000028", "0/2000100");
  }

  private static String print(InstanceCatalog entry) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BackupsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), entry);
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
