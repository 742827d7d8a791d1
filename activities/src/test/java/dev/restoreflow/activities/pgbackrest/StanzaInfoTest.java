package dev.restoreflow.activities.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** On the output of pgBackRest 2.45's info --output=json (a full, a diff and an incr backup). */
class StanzaInfoTest {

  private static final String FULL = "20261129-163035F";
  private static final String DIFF = "20261129-163035F_20261129-163148D";
  private static final String INCR = "20261129-163035F_20261129-163150I";

  static String json() throws IOException {
    try (InputStream in = StanzaInfoTest.class.getResourceAsStream("/pgbackrest/info-2.45.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void backupsAreReadOldestFirstWithTheirTimesRangesSizesAndPriors() throws IOException {
    StanzaInfo stanza = StanzaInfo.parse(json(), "s1");
    assertEquals(0, stanza.statusCode());
    assertEquals(List.of(FULL, DIFF, INCR), stanza.backups().stream().map(BackupSet::label).toList());
    BackupSet incr = stanza.backups().get(2);
    assertEquals("incr", incr.type());
    assertEquals(DIFF, incr.prior());
    assertEquals(List.of(FULL, DIFF), incr.references());
    assertEquals(1795969910L, incr.startTime());
    assertEquals(1795969912L, incr.stopTime());
    assertEquals("000000010000000000000006", incr.walStart());
    assertEquals("0/7000088", incr.lsnStop());
    assertEquals(26687305L, incr.size());
    assertEquals(429L, incr.repoDelta());
    assertNull(stanza.backups().get(0).prior());
    assertEquals("000000010000000000000007", stanza.archiveMax());
    assertEquals(List.of(FULL, DIFF, INCR), stanza.chain(incr).orElseThrow().stream()
        .map(BackupSet::label).toList());
    assertThrows(IllegalArgumentException.class, () -> StanzaInfo.parse(json(), "other"));
    assertThrows(IllegalArgumentException.class, () -> StanzaInfo.parse("ERROR: [031]", "s1"));
  }

  @Test
  void theCatalogListsThemInOrderWithTypesAndTheWindow() throws IOException {
    InstanceCatalog catalog = PgBackRestCatalog.of("main", StanzaInfo.parse(json(), "s1"));
    assertEquals(List.of("full", "diff", "incr"), catalog.backups().stream()
        .map(CatalogBackup::type).toList());
    CatalogBackup diff = catalog.backups().get(1);
    assertEquals(CatalogBackup.OK, diff.status());
    assertEquals(FULL, diff.parentId());
    assertEquals(List.of(FULL, DIFF), diff.chain());
    assertEquals("2026-11-29T16:31:48Z", diff.startTime());
    assertEquals("0/5000028", diff.walStart());
    assertEquals("2026-11-29T16:31:38Z", catalog.restorableFrom());
    assertEquals("2026-11-29T16:31:52Z", catalog.restorableTo());
    assertEquals("000000010000000000000007", catalog.walArchivedTo());
  }

  @Test
  void aRestoreTakesTheAskedBackupTheOneHoldingATimeOrLsnOrTheNewest() throws IOException {
    StanzaInfo stanza = StanzaInfo.parse(json(), "s1");
    assertEquals(INCR, RestoreChoice.of(stanza, null, null).backup().label());
    assertEquals(List.of(FULL, DIFF), RestoreChoice.of(stanza, DIFF, null).chain().stream()
        .map(BackupSet::label).toList());
    // the diff ended at 16:31:49 (1795969909): a target at 16:31:50.5 is after it, before the incr's end
    assertEquals(DIFF, RestoreChoice.of(stanza, null,
        new RecoveryTarget("2026-11-29 16:31:50.5+00", null, null, null)).backup().label());
    assertEquals(FULL, RestoreChoice.of(stanza, null,
        new RecoveryTarget("2026-11-29 16:31:49.5+00", null, null, null)).backup().label(),
        "a target in the diff's last second may be before its end");
    assertEquals(DIFF, RestoreChoice.of(stanza, null,
        new RecoveryTarget(null, "0/6000000", null, null)).backup().label());
    assertEquals(INCR, RestoreChoice.of(stanza, null,
        new RecoveryTarget(null, null, "900", null)).backup().label());
    assertEquals(FailureType.BAD_RECOVERY_TARGET, refused(stanza, null,
        new RecoveryTarget("2026-11-29 16:00:00+00", null, null, null)));
    assertEquals(FailureType.BAD_RECOVERY_TARGET, refused(stanza, INCR,
        new RecoveryTarget(null, "0/6000000", null, null)));
    assertEquals(FailureType.BACKUP_NOT_FOUND, refused(stanza, "20261129-163035F_20261129-163151I",
        null));
  }

  @Test
  void aBackupWithTheErrorFlagOrAMissingPriorIsNotRestored() throws IOException {
    String flagged = json().replaceFirst("\"error\":false", "\"error\":true");
    StanzaInfo stanza = StanzaInfo.parse(flagged, "s1");
    assertEquals(FailureType.NO_VALID_BACKUP, refused(stanza, null, null),
        "the full is flagged, and every other builds on it");
    assertEquals(FailureType.BACKUP_NOT_VALID, refused(stanza, DIFF, null));
    assertEquals(CatalogBackup.ERROR, PgBackRestCatalog.of("main", stanza).backups().get(2).status());
    StanzaInfo noFull = StanzaInfo.parse(json().replace("\"label\":\"" + FULL + "\"",
        "\"label\":\"20261129-160000F\""), "s1");
    assertEquals(FailureType.BACKUP_NOT_VALID, refused(noFull, INCR, null));
    StanzaInfo empty = StanzaInfo.parse("[{\"name\":\"s1\",\"backup\":[],\"archive\":[],"
        + "\"status\":{\"code\":2,\"message\":\"no valid backups\"}}]", "s1");
    assertEquals(FailureType.NO_VALID_BACKUP, refused(empty, null, null));
    assertTrue(PgBackRestCatalog.of("main", empty).note().contains("no valid backup"));
  }

  private static FailureType refused(StanzaInfo stanza, String label, RecoveryTarget target) {
    return assertThrows(RestoreChoice.Refused.class,
        () -> RestoreChoice.of(stanza, label, target)).type();
  }
}
