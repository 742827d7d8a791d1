package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.ledger.JobRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code restoreflow jobs}: 80 columns unless --wide, colour on a terminal only. */
class JobsTableTest {

  private static final long CREATED = 1_796_040_000_000L;
  private static final List<JobRow> ROWS = List.of(
      row("production-orders-eu-20261130-121800-a1b2c3", "restore", "production-orders-eu",
          "AWAITING_APPROVAL", "PgBackRestRestore"),
      row("main1-20261130-121700-0f0f0f", "backup", "main1", "SUCCEEDED", null),
      row("main1-20261130-121600-abcdef", "retention", "main1", "FAILED", "DeleteBackups"),
      row("nightly-main1-20261130-0200", "backup", "main1", "RUNNING", "TakeBackup"),
      row("main1-20261130-121500-fedcba", "restore", "main1", "TERMINATED", "FetchS3"));

  @Test
  void everyLineFitsEightyColumnsAndLongIdsAreAbbreviated() {
    List<String> lines = JobsTable.lines(ROWS, false, Style.PLAIN);
    assertEquals(6, lines.size());
    for (String line : lines) {
      assertTrue(line.length() < 80, line.length() + ": " + line);
    }
    assertTrue(lines.get(1).startsWith("production-~a1b2c3 restore   productio~ AWAITING  "),
        lines.get(1));
    assertTrue(lines.get(1).endsWith(" PgBackRestResto~"), lines.get(1));
    assertTrue(lines.get(2).startsWith("main1-20261~0f0f0f backup    main1      SUCCEEDED  "),
        lines.get(2));
  }

  @Test
  void anAbbreviatedIdFindsItsJob() {
    String shown = JobsTable.abbreviate("production-orders-eu-20261130-121800-a1b2c3");
    assertEquals(JobsTable.ID, shown.length());
    assertTrue(JobsTable.matches(shown, "production-orders-eu-20261130-121800-a1b2c3"));
    assertFalse(JobsTable.matches(shown, "production-orders-eu-20261130-121800-a1b2c4"));
    assertTrue(JobsTable.matches("short-id", "short-id"));
    assertEquals("short-id", JobsTable.abbreviate("short-id"));
  }

  @Test
  void wideShowsWholeIdsHostAndWhoAsked() {
    List<String> lines = JobsTable.lines(ROWS, true, Style.PLAIN);
    assertTrue(lines.get(0).contains("HOST") && lines.get(0).contains("VIA"), lines.get(0));
    assertTrue(lines.get(1).startsWith("production-orders-eu-20261130-121800-a1b2c3 restore"),
        lines.get(1));
    assertTrue(lines.get(1).contains(" AWAITING_APPROVAL "), lines.get(1));
    assertTrue(lines.get(1).endsWith(" cli:ana"), lines.get(1));
  }

  @Test
  void stateWordsAreColouredOnATerminalOnlyAndNeverWithNoColor() {
    Style terminal = Style.choose(true, false, Map.of());
    List<String> coloured = JobsTable.lines(ROWS, false, terminal);
    assertTrue(coloured.get(2).contains("\u001b[32mSUCCEEDED \u001b[0m"), coloured.get(2));
    assertTrue(coloured.get(3).contains("\u001b[31mFAILED    \u001b[0m"), coloured.get(3));
    assertTrue(coloured.get(4).contains("\u001b[33mRUNNING   \u001b[0m"), coloured.get(4));
    assertTrue(coloured.get(5).contains("\u001b[31mTERMINATED\u001b[0m"), coloured.get(5));
    // the escape codes take no column: without them the line is the plain one
    assertEquals(JobsTable.lines(ROWS, false, Style.PLAIN),
        coloured.stream().map(l -> l.replaceAll("\u001b\\[\\d+m", "")).toList());

    for (Style none : List.of(Style.choose(false, false, Map.of()),
        Style.choose(true, false, Map.of("NO_COLOR", "1")),
        Style.choose(true, true, Map.of()))) {
      for (String line : JobsTable.lines(ROWS, false, none)) {
        assertFalse(line.contains("\u001b"), line);
      }
    }
  }

  private static JobRow row(String id, String kind, String instance, String status,
      String step) {
    return new JobRow(id, "wf-" + id, "run", kind, instance, "db-host-1", "cli:ana", null, "{}",
        status, step, null, CREATED, CREATED, 0);
  }
}
