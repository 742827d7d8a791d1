package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stored settings become the SQL pg_dumpall would write for them. */
class SettingValuesTest {

  @Test
  void aListSettingGivesOneQuotedElementEach() {
    assertEquals("search_path = 'a', 'b'", SettingValues.assignment("search_path=a, b"));
    assertEquals("search_path = '$user', 'my schema', 'x,y', 'q\"t'",
        SettingValues.assignment("search_path=\"$user\", \"my schema\", \"x,y\", \"q\"\"t\""));
    assertEquals("search_path = ''", SettingValues.assignment("search_path="));
  }

  @Test
  void anyOtherSettingIsOneLiteralWithQuotesDoubled() {
    assertEquals("work_mem = '8MB'", SettingValues.assignment("work_mem=8MB"));
    assertEquals("application_name = 'it''s = fine'",
        SettingValues.assignment("application_name=it's = fine"));
    assertEquals("my.custom = 'a, b'", SettingValues.assignment("my.custom=a, b"));
  }

  @Test
  void splittingTrimsAndKeepsEmptyElements() {
    assertEquals(List.of("a", "b", "c"), SettingValues.split("  a ,b,  c  "));
    assertEquals(List.of(), SettingValues.split("   "));
  }
}
