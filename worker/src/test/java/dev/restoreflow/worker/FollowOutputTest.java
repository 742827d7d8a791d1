package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.workflows.model.StepProgress;
import dev.restoreflow.workflows.model.StepStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --follow}'s output: the progress line, its rate and ETA, and the three printers. */
class FollowOutputTest {

  private static final long MIB = 1 << 20;
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aStepThatKnowsItsBytesShowsABarPercentBytesRateAndEta() {
    StepBeat beat = StepBeat.of(Map.of("bytesDone", 11 * MIB, "bytesTotal", 26 * MIB,
        "object", 0));
    assertTrue(beat.hasBytes());
    String line = ProgressText.line("FetchS3", beat, 3.1 * MIB, Duration.ofSeconds(5));
    assertEquals("  FetchS3           [####------]  42% 11.0 MiB/26.0 MiB 3.1 MiB/s ETA 0:05",
        line);
    assertTrue(line.length() <= ProgressText.WIDTH);
  }

  @Test
  void aKnownTotalShowsZeroPercentBeforeTheFirstByte() {
    StepBeat beat = StepBeat.of(Map.of("bytesDone", 0, "bytesTotal", 26 * MIB));
    assertEquals("  FetchS3           [----------]   0% 0 B/26.0 MiB",
        ProgressText.line("FetchS3", beat, 0, null));
    assertNull(StepBeat.of(Map.of("bytesDone", 0, "bytesTotal", 0)));
  }

  @Test
  void evenLongNamesAndHugeSizesFitOneTerminalLine() {
    StepBeat beat = new StepBeat(13_200_000_000_000L, 28_000_000_000_000L, 1, null);
    String line = ProgressText.line("ProbackupRestore", beat, 103.1 * MIB,
        Duration.ofHours(37).plusMinutes(2).plusSeconds(3));
    assertEquals("  ProbackupRestore   47% 12.0 TiB/25.5 TiB 103.1 MiB/s ETA 37:02:03", line);
    assertTrue(line.length() <= ProgressText.WIDTH, line.length() + ": " + line);
    String words = ProgressText.line("PgBackRestRestore", new StepBeat(0, 0, 0, "x".repeat(200)),
        0, null);
    assertEquals(ProgressText.WIDTH, words.length());
    assertTrue(words.endsWith("..."));
  }

  @Test
  void etaReadsAsMinutesOrHours() {
    assertEquals("0:05", ProgressText.eta(Duration.ofSeconds(5)));
    assertEquals("12:34", ProgressText.eta(Duration.ofSeconds(12 * 60 + 34)));
    assertEquals("1:02:03", ProgressText.eta(Duration.ofSeconds(3723)));
    assertEquals(">99 h", ProgressText.eta(Duration.ofHours(100)));
    assertEquals(0, ProgressText.percent(0, 100));
    assertEquals(99, ProgressText.percent(999, 1000));
    assertEquals(100, ProgressText.percent(1000, 1000));
    assertEquals("[##########]", ProgressText.bar(5, 5));
    assertEquals("[----------]", ProgressText.bar(0, 5));
  }

  @Test
  void theRateIsOverTheLastTenSecondsAndTheEtaIsWhatIsLeftAtThatRate() {
    ByteRate rate = new ByteRate();
    assertEquals(0, rate.perSecond());
    assertNull(rate.eta(0, 100 * MIB));
    // 1 MiB/s for 20 s, then 4 MiB/s: after 10 s more only the new speed counts
    long bytes = 0;
    for (int s = 0; s <= 20; s += 2) {
      rate.add(s * SECOND, bytes);
      bytes += 2 * MIB;
    }
    assertEquals(MIB, rate.perSecond(), 1);
    bytes -= 2 * MIB;
    for (int s = 22; s <= 30; s += 2) {
      bytes += 8 * MIB;
      rate.add(s * SECOND, bytes);
    }
    assertEquals(4 * MIB, rate.perSecond(), 1);
    assertEquals(Duration.ofSeconds(10), rate.eta(bytes, bytes + 40 * MIB));
    // nothing new for 5 s: the rate falls, the ETA grows
    rate.add(35 * SECOND, bytes);
    assertTrue(rate.perSecond() < 4 * MIB, String.valueOf(rate.perSecond()));
    assertTrue(rate.eta(bytes, bytes + 40 * MIB).toSeconds() > 10);
    // nothing new for the whole window: no rate, no ETA
    rate.add(41 * SECOND, bytes);
    assertEquals(0, rate.perSecond());
    assertNull(rate.eta(bytes, bytes + 40 * MIB));
    // a count that went back (a retried attempt) starts afresh
    rate.add(42 * SECOND, MIB);
    assertEquals(0, rate.perSecond());
  }

  @Test
  void aCountThatMovesInStepsIsDatedByItsSteps() {
    ByteRate rate = new ByteRate();
    // 16 MiB parts at about 1.6 MiB/s, looked at every 2 s
    for (int s = 0; s <= 22; s += 2) {
      rate.add(s * SECOND, s < 10 ? 0 : s < 20 ? 16 * MIB : 32 * MIB);
    }
    assertEquals(16 * MIB / 12.0, rate.perSecond(), 1);   // from 16 MiB at 10 s to 22 s
  }

  @Test
  void stepsWithoutBytesKeepTheirOwnWords() {
    assertEquals("42% (420/1000 files, attempt 1)", StepBeat.of(Map.of("filesTotal", 1000,
        "filesDone", 420, "percent", 42, "attempt", 1)).text());
    StepBeat fetch = StepBeat.of(Map.of("object", 0, "chunk", 3, "downloaded", 12 * MIB));
    assertFalse(fetch.hasBytes());
    assertEquals(12 * MIB, fetch.counted());
    assertEquals("  FetchS3           12.0 MiB downloaded, 3.0 MiB/s",
        ProgressText.line("FetchS3", fetch, 3 * MIB, null));
    assertEquals("backup TP94E0: copied 10 files", StepBeat.of(Map.of("backupId", "TP94E0",
        "lastLine", "copied 10 files")).text());
    assertEquals(Heartbeats.said(Map.of("bytesDone", 11 * MIB, "bytesTotal", 26 * MIB)),
        "42% of 26.0 MiB (11.0 MiB done)");
    assertNull(StepBeat.of(Map.of("object", 0)));
  }

  @Test
  void onATerminalTheProgressIsOneLineRewrittenAndStepEndsHaveTheirOwnLines() {
    Captured out = new Captured();
    FollowPrinter printer = new FollowPrinter.InPlace(out.stream);
    printer.started("j", "FetchS3", 0);
    printer.progress("j", "FetchS3", new StepBeat(MIB, 4 * MIB, MIB, null), Map.of(), 0, null,
        SECOND);
    printer.progress("j", "FetchS3", new StepBeat(2 * MIB, 4 * MIB, 2 * MIB, null), Map.of(),
        MIB, Duration.ofSeconds(2), 2 * SECOND);
    printer.ended("j", new StepProgress("FetchS3", StepStatus.DONE, 1000, 5000, "4 MiB"));
    printer.finish();
    String text = out.text();
    assertEquals("\r\u001b[K  FetchS3           running ..."
        + "\r\u001b[K  FetchS3           [##--------]  25% 1.0 MiB/4.0 MiB"
        + "\r\u001b[K  FetchS3           [#####-----]  50% 2.0 MiB/4.0 MiB 1.0 MiB/s ETA 0:02"
        + "\r\u001b[K" + Timeline.line(new StepProgress("FetchS3", StepStatus.DONE, 1000, 5000,
            "4 MiB")) + System.lineSeparator(), text);
  }

  @Test
  void notOnATerminalThereAreNoControlCharactersAndAtMostOneProgressLineEveryTenSeconds() {
    Captured out = new Captured();
    FollowPrinter printer = FollowPrinter.of(out.stream, false, false);
    printer.started("j", "FetchS3", 0);
    for (long half = 1; half <= 50; half++) {   // a heartbeat every half second for 25 s: lines at 10 s and 20 s
      long done = half * MIB;
      printer.progress("j", "FetchS3", new StepBeat(done, 50 * MIB, done, null), Map.of(),
          2 * MIB, Duration.ofSeconds(25 - half / 2), half * SECOND / 2);
    }
    printer.ended("j", new StepProgress("FetchS3", StepStatus.DONE, 1000, 26000, null));
    printer.started("j", "StartCluster", 26 * SECOND);
    printer.progress("j", "StartCluster", new StepBeat(0, 0, 0, "waiting"), Map.of(), 0, null,
        27 * SECOND);
    printer.finish();
    String text = out.text();
    assertTrue(text.chars().noneMatch(c -> c < 0x20 && c != '\n'), text);
    List<String> lines = text.lines().toList();
    assertEquals(List.of(
        "  FetchS3           running ...",
        "  FetchS3           [####------]  40% 20.0 MiB/50.0 MiB 2.0 MiB/s ETA 0:15",
        "  FetchS3           [########--]  80% 40.0 MiB/50.0 MiB 2.0 MiB/s ETA 0:05",
        Timeline.line(new StepProgress("FetchS3", StepStatus.DONE, 1000, 26000, null)),
        "  StartCluster      running ..."), lines);
  }

  @Test
  void jsonLinesParseOneByOneAndCarryRawBytes() throws Exception {
    Captured out = new Captured();
    FollowPrinter printer = FollowPrinter.of(out.stream, true, true);
    printer.started("j1", "FetchS3", 0);
    Map<String, Object> details = Map.of("bytesDone", 3 * MIB, "bytesTotal", 4 * MIB,
        "entryName", "base/1/\"odd\"\nname");
    printer.progress("j1", "FetchS3", StepBeat.of(details), details, MIB, Duration.ofSeconds(1),
        SECOND);
    printer.progress("j1", "FetchS3", StepBeat.of(details), details, MIB, Duration.ofSeconds(1),
        2 * SECOND);   // the same heartbeat again: no event
    printer.note("awaiting-approval", List.of("a plan for people"), Map.of("plan", "p"));
    printer.ended("j1", new StepProgress("FetchS3", StepStatus.DONE, 1000, 5000, "done"));
    out.stream.println(FollowPrinter.JsonLines.ended(Map.of("jobId", "j1"),
        Map.of("state", "SUCCEEDED")));
    printer.finish();
    List<String> lines = out.text().lines().toList();
    assertEquals(5, lines.size(), out.text());
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new java.util.ArrayList<>();
    for (String line : lines) {
      events.add(json.readTree(line));
    }
    assertEquals(List.of("step-started", "progress", "awaiting-approval", "step-ended", "ended"),
        events.stream().map(e -> e.path("event").asText()).toList());
    JsonNode progress = events.get(1);
    assertEquals(3 * MIB, progress.path("bytesDone").asLong());
    assertEquals(4 * MIB, progress.path("bytesTotal").asLong());
    assertEquals(75, progress.path("percent").asInt());
    assertEquals(1, progress.path("etaSeconds").asLong());
    assertEquals("base/1/\"odd\"\nname", progress.path("details").path("entryName").asText());
    assertEquals("DONE", events.get(3).path("status").asText());
    assertEquals(4000, events.get(3).path("durationMillis").asLong());
    assertEquals("SUCCEEDED", events.get(4).path("progress").path("state").asText());
    assertFalse(out.text().contains("\u001b"));
  }

  private static final class Captured {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
