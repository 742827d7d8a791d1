package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.basebackup.FetchCheckpoint;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restoreflow restore --follow} on a basebackup restore whose download is slowed to about
 * 2 MB/s: on a terminal (a pseudo-terminal) FetchS3's progress is one line rewritten in place
 * with its percent rising and an ETA; piped to a file there is no control character and at most
 * one progress line every 10 s; with {@code --json} every line is a JSON object of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FollowProgressIT {

  private static final Logger log = LoggerFactory.getLogger(FollowProgressIT.class);
  private static final Duration LIMIT = Duration.ofMinutes(3);
  private static final String FETCH = BaseBackupActivities.FETCH_STEP;
  private static final String CLEAR_LINE = "\r\u001b[K";
  private static final Pattern PERCENT = Pattern.compile("\\]\\s+(\\d+)% ");
  private static final Pattern DOWNLOADED = Pattern.compile("([\\d.]+) (B|KiB|MiB|GiB)"
      + " downloaded");
  /** Whether FetchS3's heartbeat says its bytes done and total (the bar, percent and ETA). */
  private static final boolean FETCH_KNOWS_ITS_TOTAL = Arrays.stream(
      FetchCheckpoint.class.getRecordComponents()).anyMatch(c -> c.getName().equals("bytesTotal"));

  private ProxiedS3Backup backedUp;
  private ItTemporal temporal;
  private RestoreflowProcess worker;

  @BeforeAll
  void setUp() throws Exception {
    ItServer server = ItTemporal.startServer();
    try {
      backedUp = ProxiedS3Backup.create("follow-it", 20_000, server.target());
    } catch (Exception e) {
      server.close();
      throw e;
    }
    temporal = ItTemporal.start(server, backedUp.config, List.of());
    worker = RestoreflowProcess.worker(backedUp.configFile, "local",
        backedUp.main1.stateDir().resolve("worker.log"), backedUp.s3.environment());
    backedUp.proxy.setRate(1_000_000);   // x 2 parallel ranges: ~2 MB/s, a fetch of 20 s or more
  }

  @AfterAll
  void tearDown() throws Exception {
    Closing.inOrder(worker, temporal, backedUp);
  }

  /** The arguments of {@code restoreflow restore --follow} of main1, then {@code more}. */
  private String[] followedRestore(String... more) {
    List<String> args = new ArrayList<>(List.of("restore", "--config",
        backedUp.configFile.toString(), "--instance", "main1", "--yes", "--follow"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  @Order(1)
  void onATerminalTheFetchsProgressIsRewrittenInPlace() throws Exception {
    String raw;
    try (PseudoTerminal terminal = PseudoTerminal.restoreflow(backedUp.s3.environment(), List.of(),
        followedRestore())) {
      terminal.expect("SUCCEEDED", LIMIT);
      assertEquals(0, terminal.waitFor(LIMIT), terminal.screen());
      raw = terminal.raw();
    }
    log.info("on the terminal:\n{}", raw.replace("\u001b", "ESC"));
    // what was drawn in place: each frame is what followed a carriage return and clear-line
    List<String> frames = new ArrayList<>();
    for (String frame : raw.split(Pattern.quote(CLEAR_LINE))) {
      if (frame.startsWith(String.format("  %-17s ", FETCH)) && !frame.contains("\n")) {
        frames.add(frame);
      }
    }
    assertTrue(frames.size() >= 2, "FetchS3 drawn in place, then its progress: " + frames);
    assertTrue(raw.contains(CLEAR_LINE + String.format("  %-17s DONE", FETCH)),
        "the step's end has its own line, after the in-place line is cleared");
    for (String frame : frames) {
      assertTrue(frame.length() <= 79, "one line of a terminal: " + frame);
    }
    if (!FETCH_KNOWS_ITS_TOTAL && frames.stream().noneMatch(f -> PERCENT.matcher(f).find())) {
      // a FetchS3 that heartbeats only its restart point: the bytes downloaded by its last chunk
      assertTrue(frames.stream().anyMatch(f -> DOWNLOADED.matcher(f).find()), "" + frames);
      return;
    }
    List<Integer> rising = new ArrayList<>();
    for (String frame : frames) {
      Matcher m = PERCENT.matcher(frame);
      if (m.find()) {
        rising.add(Integer.parseInt(m.group(1)));
      }
    }
    assertTrue(rising.size() >= 2, "the percent redrawn as it grows: " + frames);
    for (int i = 1; i < rising.size(); i++) {
      assertTrue(rising.get(i) >= rising.get(i - 1), "the percent only grows: " + rising);
    }
    assertTrue(rising.get(rising.size() - 1) > rising.get(0), "the percent grew: " + rising);
    assertTrue(frames.stream().anyMatch(f -> f.matches(".* [\\d.]+ [KMG]iB/s ETA \\d+:\\d\\d")),
        "a rate and an ETA: " + frames);
  }

  @Test
  @Order(2)
  void pipedToAFileThereAreNoControlCharactersAndAProgressLineEveryTenSecondsAtMost()
      throws Exception {
    RestoreflowProcess.Output piped = RestoreflowProcess.runApart(LIMIT,
        backedUp.s3.environment(), followedRestore());
    assertEquals(0, piped.exitCode(), piped.stdout() + piped.stderr());
    log.info("piped:\n{}", piped.stdout());
    assertTrue(piped.stdout().chars().noneMatch(c -> c < 0x20 && c != '\n'),
        "no control characters: " + piped.stdout().replace("\u001b", "ESC").replace("\r", "CR"));
    String running = String.format("  %-17s running ...", FETCH);
    Matcher done = Pattern.compile(String.format("  %-17s DONE\\s+([\\d.]+) s", FETCH))
        .matcher(piped.stdout());
    assertTrue(piped.stdout().contains(running) && done.find(), piped.stdout());
    double seconds = Double.parseDouble(done.group(1));
    assertTrue(seconds > 10, "a fetch long enough to say its progress: " + seconds + " s");
    List<String> progress = piped.stdout().lines()
        .filter(l -> l.startsWith(String.format("  %-17s ", FETCH)) && !l.equals(running)
            && !l.matches(String.format("  %-17s DONE.*", FETCH))).toList();
    assertFalse(progress.isEmpty(), "FetchS3 said its progress: " + piped.stdout());
    assertTrue(progress.size() <= seconds / 10, progress.size() + " progress lines in "
        + seconds + " s: " + progress);
    if (FETCH_KNOWS_ITS_TOTAL) {
      assertTrue(progress.stream().allMatch(l -> PERCENT.matcher(l).find()), "" + progress);
    }
  }

  @Test
  @Order(3)
  void withJsonEveryLineIsAJsonObjectOfItsOwn() throws Exception {
    RestoreflowProcess.Output json = RestoreflowProcess.runApart(LIMIT,
        backedUp.s3.environment(), followedRestore("--json"));
    assertEquals(0, json.exitCode(), json.stdout() + json.stderr());
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : json.stdout().lines().toList()) {
      events.add(mapper.readTree(line));   // fails on any line that is not JSON
    }
    List<String> kinds = events.stream().map(e -> e.path("event").asText()).toList();
    assertTrue(kinds.stream().allMatch(k -> List.of("step-started", "step-ended", "progress",
        "ended").contains(k)), kinds.toString());
    assertEquals("ended", kinds.get(kinds.size() - 1));
    JsonNode end = events.get(events.size() - 1);
    assertEquals("SUCCEEDED", end.path("progress").path("state").asText());
    assertEquals(end.path("submission").path("jobId").asText(),
        end.path("progress").path("jobId").asText());
    assertTrue(events.stream().anyMatch(e -> e.path("event").asText().equals("step-started")
        && e.path("step").asText().equals(FETCH)), kinds.toString());
    assertTrue(events.stream().anyMatch(e -> e.path("event").asText().equals("step-ended")
        && e.path("step").asText().equals(FETCH) && e.path("status").asText().equals("DONE")));
    List<JsonNode> progress = events.stream().filter(e -> e.path("event").asText()
        .equals("progress") && e.path("step").asText().equals(FETCH)).toList();
    assertTrue(progress.size() >= 2, "FetchS3's heartbeats: " + json.stdout());
    assertTrue(progress.stream().allMatch(p -> p.path("details").isObject()));
    if (FETCH_KNOWS_ITS_TOTAL) {
      // the first heartbeats may come before the first bytes
      List<Long> done = progress.stream().filter(p -> p.has("bytesDone"))
          .map(p -> p.path("bytesDone").asLong()).toList();
      assertFalse(done.isEmpty(), json.stdout());
      assertTrue(progress.stream().filter(p -> p.has("bytesDone")).allMatch(p ->
          p.path("bytesTotal").asLong() >= p.path("bytesDone").asLong()
              && p.path("percent").isInt() && p.path("details").path("bytesDone").asLong()
              == p.path("bytesDone").asLong()), json.stdout());
    } else {
      assertTrue(progress.stream().allMatch(p -> p.path("details").path("downloaded")
          .isNumber()), json.stdout());
    }
  }
}
