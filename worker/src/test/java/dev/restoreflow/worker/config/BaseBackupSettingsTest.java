package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import org.junit.jupiter.api.Test;

/** basebackup.settings: what postgresql.auto.conf can hold loads; the rest is named by key. */
class BaseBackupSettingsTest {

  private static final String KEY = "instances.main1.basebackup.settings";

  @Test
  void quotesAndBackslashesLoadAndLineBreaksOrNonNamesAreRefusedByKey() {
    String withBackslash = ConfigLoaderTest.BASEBACKUP.replace("\"256MB\"", "\"C:\\\\tmp\\\\'x'\"");
    assertEquals("C:\\tmp\\'x'", ConfigLoader.parse(withBackslash).requireInstance("main1")
        .settings(BaseBackupConfig.class).settings().get("shared_buffers"));
    ConfigLoader.parse(ConfigLoaderTest.BASEBACKUP.replace("\"shared_buffers\"",
        "\"pg_stat_statements.max\""));

    for (String value : new String[] {"a\\nb", "a\\rb", "a\\u0000b"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
          ConfigLoaderTest.BASEBACKUP.replace("\"256MB\"", "\"" + value + "\"")));
      assertEquals(KEY + ".shared_buffers", e.key(), e.getMessage());
      assertTrue(e.getMessage().contains("without line breaks, NUL"), e.getMessage());
    }
    for (String name : new String[] {"a..b", "1abc", "a.b.c", "x'; drop", "work mem", ".a"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
          ConfigLoaderTest.BASEBACKUP.replace("\"shared_buffers\"", "\"" + name + "\"")));
      assertEquals(KEY, e.key(), name + ": " + e.getMessage());
    }
  }
}
