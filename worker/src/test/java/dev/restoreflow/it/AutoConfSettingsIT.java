package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.basebackup.RecoverySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * basebackup.settings with a backslash and a quote, against a real PostgreSQL: restoreflow writes
 * the line ALTER SYSTEM writes, and the server reads the value back exactly after a restart.
 */
class AutoConfSettingsIT {

  /** a\b'c\ : a backslash that is an escape in the file (\b), a quote, a backslash at the end. */
  private static final String VALUE = "a\\b'c\\";

  @Test
  void aValueWithBackslashesAndQuotesIsWrittenAsAlterSystemWritesItAndReadBackExactly()
      throws Exception {
    try (ItSandbox s = ItSandbox.create("autoconf", "local")) {
      Path autoConf = Path.of(s.instance.pgdata(), "postgresql.auto.conf");
      s.sandbox.sql("alter system set cluster_name = '" + VALUE.replace("'", "''") + "'");
      String alterSystemLine = clusterNameLine(Files.readAllLines(autoConf));
      s.sandbox.sql("alter system reset cluster_name");

      String ours = RecoverySettings.autoConf("20261123T091500Z", null, true,
          Map.of("cluster_name", VALUE));
      assertEquals(alterSystemLine, clusterNameLine(ours.lines().toList()),
          "the line ALTER SYSTEM writes for the same value");

      Files.writeString(autoConf, Files.readString(autoConf) + ours);
      s.sandbox.cluster().stop(false);
      s.sandbox.cluster().start(() -> false);
      assertEquals(VALUE, s.sandbox.sql("show cluster_name"));
    }
  }

  private static String clusterNameLine(List<String> lines) {
    return lines.stream().filter(line -> line.startsWith("cluster_name")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no cluster_name line in " + lines));
  }
}
