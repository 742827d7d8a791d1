package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestoreTarget;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The terminal dialogue of a restore, with typed answers and the text it prints. */
class RestoreConfirmationTest {

  private static final List<PlannedStep> STEPS = List.of(PlannedStep.run("PlanRestore"),
      PlannedStep.run("PgDumpRestore"), PlannedStep.skip("StopCluster", "logical"),
      PlannedStep.run("VerifyCluster"));
  private static final RestoreTarget SHOP = new RestoreTarget("db1",
      "database shop at 127.0.0.1:5432", true, 25L << 20, 3, null);

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @Test
  void enterChoosesTheNewestAndTheInstanceNameConfirmsIt() {
    Optional<String> confirmed = dialogue(catalog(3), null, "\nmain1\n");
    assertEquals(Optional.of("B3"), confirmed);
    String text = text();
    assertTrue(text.indexOf("  1  B3") < text.indexOf("  2  B2"), "newest first: " + text);
    assertTrue(text.contains("Restore main1 from backup B3"), text);
    assertTrue(text.contains("target    host db1: database shop at 127.0.0.1:5432"), text);
    assertTrue(text.contains("PostgreSQL running, 25.0 MiB, 3 open sessions, ended by the"
        + " restore"), text);
    assertTrue(text.contains("steps     PlanRestore > PgDumpRestore > VerifyCluster"), text);
    assertFalse(text.contains("\u001b["), "no colour was asked for");
  }

  @Test
  void aNumberOrAnIdChoosesThatBackup() {
    assertEquals(Optional.of("B2"), dialogue(catalog(3), null, "2\nmain1\n"));
    assertEquals(Optional.of("B1"), dialogue(catalog(3), null, "B1\nmain1\n"));
  }

  @Test
  void aWrongConfirmationCancels() {
    assertEquals(Optional.empty(), dialogue(catalog(3), null, "1\nmain2\n"));
    assertTrue(text().endsWith("Cancelled: nothing was started.\n"), text());
  }

  @Test
  void endOfInputOrQuitCancels() {
    assertEquals(Optional.empty(), dialogue(catalog(3), null, ""));
    assertEquals(Optional.empty(), dialogue(catalog(3), null, "q\n"));
    assertEquals(Optional.empty(), dialogue(catalog(3), null, "1\n"));
  }

  @Test
  void badChoicesAreAskedAgainThriceThenCancelled() {
    assertEquals(Optional.of("B1"), dialogue(catalog(3), null, "9\nx/..\n3\nmain1\n"));
    assertTrue(text().contains("'9' is neither a number from 1 to 3 nor the id of a good"
        + " backup of main1"), text());
    printed.reset();
    assertEquals(Optional.empty(), dialogue(catalog(3), null, "0\n-1\n4\nmain1\n"));
    assertFalse(text().contains("Restore main1 from"), text());
  }

  @Test
  void aNamedBackupSkipsTheListButNotTheConfirmation() {
    assertEquals(Optional.of("B2"), dialogue(catalog(3), "B2", "main1\n"));
    assertFalse(text().contains("newest first"), text());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> dialogue(catalog(3), "B9", "main1\n"));
    assertTrue(unknown.getMessage().startsWith("backup B9 is not a good backup of main1"),
        unknown.getMessage());
  }

  @Test
  void onlyGoodBackupsAreOfferedAndNoneIsAClearError() {
    List<CatalogBackup> backups = new ArrayList<>(catalog(2).backups());
    backups.add(backup(3, CatalogBackup.ERROR));
    InstanceCatalog withBroken = new InstanceCatalog("main1", "pgdump", backups, null, null,
        null, null);
    dialogue(withBroken, null, "q\n");
    assertFalse(text().contains("B3"), text());
    InstanceCatalog empty = new InstanceCatalog("main1", "pgdump", List.of(), null, null, null,
        null);
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> dialogue(empty, null, "\n"));
    assertTrue(none.getMessage().startsWith("instance main1 has no backup to restore"),
        none.getMessage());
  }

  @Test
  void theNewestTwentyAreListedAndAnOlderOneIsChosenById() {
    assertEquals(Optional.of("B2"), dialogue(catalog(25), null, "B2\nmain1\n"));
    assertTrue(text().contains("... and 5 older (type an id to choose one of them)"), text());
    assertTrue(text().contains(" 20  B6 "), text());
  }

  @Test
  void colourOnlyOnATerminalAndNotWithNoColor() {
    assertTrue(Style.choose(true, false, Map.of()).colour());
    assertFalse(Style.choose(false, false, Map.of()).colour());
    assertFalse(Style.choose(true, true, Map.of()).colour());
    assertFalse(Style.choose(true, false, Map.of("NO_COLOR", "1")).colour());
    assertTrue(Style.choose(true, false, Map.of("NO_COLOR", "")).colour(), "no-color.org: set"
        + " and not empty");
    Terminal coloured = new Terminal(new BufferedReader(new StringReader("\nmain1\n")),
        new PrintStream(printed, true, StandardCharsets.UTF_8), new Style(true));
    new RestoreConfirmation(coloured).confirm(catalog(1), null, () -> SHOP, STEPS);
    assertTrue(text().contains("\u001b[33mdatabase shop"), text());
  }

  @Test
  void timesAreShownToTheSecond() {
    assertEquals("2026-11-30T01:58:51Z",
        RestoreConfirmation.toSecond("2026-11-30T01:58:51.327069771Z"));
    assertEquals("2026-11-30T00:58:51Z", RestoreConfirmation.toSecond("2026-11-30T01:58:51+01:00"));
    assertEquals("yesterday", RestoreConfirmation.toSecond("yesterday"));
    assertEquals("-", RestoreConfirmation.toSecond(null));
  }

  private Optional<String> dialogue(InstanceCatalog catalog, String backupId, String typed) {
    Terminal terminal = new Terminal(new BufferedReader(new StringReader(typed)),
        new PrintStream(printed, true, StandardCharsets.UTF_8), Style.PLAIN);
    return new RestoreConfirmation(terminal).confirm(catalog, backupId, () -> SHOP, STEPS);
  }

  private String text() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  /** Backups B1..Bn, oldest first, as catalogs list them. */
  private static InstanceCatalog catalog(int count) {
    List<CatalogBackup> backups = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      backups.add(backup(i, CatalogBackup.OK));
    }
    return new InstanceCatalog("main1", "pgdump", backups, null, null, null, null);
  }

  private static CatalogBackup backup(int n, String status) {
    String time = String.format("2026-11-%02dT02:00:00Z", n);
    return new CatalogBackup("main1", "pgdump", "B" + n, n == 1 ? "full" : "incremental", status,
        time, time, 0, 1L << 20, n == 1 ? null : "B1", n == 1 ? List.of("B1")
        : List.of("B1", "B" + n), null, null);
  }
}
