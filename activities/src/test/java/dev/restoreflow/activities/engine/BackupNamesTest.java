package dev.restoreflow.activities.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Backup names and directories are one plain segment of a key and of a path. */
class BackupNamesTest {

  @Test
  void plainNamesAreAccepted() {
    for (String name : List.of("pre_migration", "prod-20261130", "v2.1", "a", "20261129T231500Z",
        "x".repeat(64))) {
      assertEquals(name, BackupNames.checkName(name));
      assertEquals(name, BackupNames.checkDir(name));
    }
  }

  @Test
  void slashesDotDotLeadingDotsAndOddCharactersAreRefused() {
    for (String bad : List.of("a/b", "../x", "..", "a..b", ".hidden", "-rf", "_x", "a b",
        "a\nb", "é", "", "x".repeat(65), "/abs", "a/", "a\\b", "$(id)", "a;b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BackupNames.checkName(bad), bad);
      assertTrue(e.getMessage().contains("is not allowed: letters, digits, _ - . only"),
          e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> BackupNames.checkDir(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> BackupNames.checkName(null));
  }

  @Test
  void aRefusedValueIsShownWithoutItsRawBytes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BackupNames.checkName("a\u001b[31m\nb"));
    assertTrue(e.getMessage().startsWith("backup name 'a??31m?b' is not allowed"),
        e.getMessage());
  }
}
