package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Names, directories and replacements against the backups there are. */
class DumpSlotTest {

  private static DumpMeta backup(String id, String parent, String dir, String job) {
    return new DumpMeta(DumpMeta.FORMAT, id, "main1", parent == null ? DumpMeta.FULL
        : DumpMeta.INCREMENTAL, parent, "test", "2026-11-29T10:00:00Z", "2026-11-29T10:00:01Z",
        "shop", "15.8", 3, "abc", List.of(), List.of(), List.of(), dir, null, job);
  }

  private final List<DumpMeta> existing = List.of(
      backup("20261129T100000Z", null, null, "job-1"),
      backup("20261129T110000Z", "20261129T100000Z", null, "job-2"),
      backup("pre_v2", null, "pre-migration", "job-3"),
      backup("pre_v2_more", "pre_v2", "pre-migration", "job-4"),
      backup("lonely", null, "pre-migration", "job-5"));

  private static List<String> ids(List<DumpMeta> backups) {
    return backups.stream().map(DumpMeta::id).toList();
  }

  @Test
  void aBackupBuildsOnlyOnTheBackupsOfItsOwnPlace() {
    assertEquals(List.of("20261129T100000Z", "20261129T110000Z"),
        ids(DumpSlot.of(existing, null, null, false, "job-9").candidates()));
    assertEquals(List.of("pre_v2", "pre_v2_more", "lonely"),
        ids(DumpSlot.of(existing, "new", "pre-migration", false, "job-9").candidates()));
    assertEquals(List.of(), DumpSlot.of(existing, null, "fresh", false, "job-9").candidates());
  }

  @Test
  void aNameThatExistsIsRefusedWithoutForceWhereverItIs() {
    for (String dir : new String[] {null, "pre-migration", "other"}) {
      DumpSlot.RefusedException e = assertThrows(DumpSlot.RefusedException.class,
          () -> DumpSlot.of(existing, "pre_v2", dir, false, "job-9"));
      assertTrue(e.getMessage().startsWith("a backup named pre_v2 exists already (full,"
          + " 2026-11-29T10:00:01Z, in dir pre-migration); choose another name, or replace it"
          + " with --force"), e.getMessage());
    }
  }

  @Test
  void forceReplacesABackupNothingBuildsOnAndNeverBuildsOnIt() {
    DumpSlot slot = DumpSlot.of(existing, "lonely", "pre-migration", true, "job-9");
    assertEquals("lonely", slot.replaced().orElseThrow().id());
    assertEquals(List.of("pre_v2", "pre_v2_more"), ids(slot.candidates()));
  }

  @Test
  void forceRefusesABackupOthersBuildOnOrOneInAnotherPlace() {
    DumpSlot.RefusedException parent = assertThrows(DumpSlot.RefusedException.class,
        () -> DumpSlot.of(existing, "pre_v2", "pre-migration", true, "job-9"));
    assertTrue(parent.getMessage().contains("[pre_v2_more] build on it")
        && parent.getMessage().contains("would break their chain"), parent.getMessage());
    DumpSlot.RefusedException elsewhere = assertThrows(DumpSlot.RefusedException.class,
        () -> DumpSlot.of(existing, "lonely", null, true, "job-9"));
    assertTrue(elsewhere.getMessage().contains("is in dir pre-migration, not in the default"
        + " place") && elsewhere.getMessage().contains("--dir pre-migration"),
        elsewhere.getMessage());
  }

  @Test
  void aRetryOfTheJobThatTookTheNamedBackupFindsItDone() {
    DumpSlot slot = DumpSlot.of(existing, "lonely", "pre-migration", false, "job-5");
    assertEquals("lonely", slot.done().orElseThrow().id());
    assertTrue(slot.replaced().isEmpty());
  }
}
