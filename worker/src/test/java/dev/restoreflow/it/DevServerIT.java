package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * What the real Temporal dev server adds: the {@code temporal} CLI starts and finds restores
 * (search attributes), and the Web UI shows each step by its activity name (headless Chromium).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DevServerIT {

  private static final Path ARTIFACTS = Path.of("target", "webui");

  private ItSandbox main1;
  private ItTemporal temporal;
  private Map<String, String> atBackup;
  private String workflowId;
  private String runId;
  private RestoreResult restored;

  @BeforeAll
  void setUp() throws Exception {
    main1 = ItSandbox.create("main1", "local");
    main1.sandbox.loadDemoData(2_000);
    main1.sandbox.backup("FULL");
    atBackup = main1.sandbox.fingerprint();
    main1.sandbox.sql("delete from accounts where id % 3 = 0");
    ItServer server = ItServer.temporalCli(main1.stateDir().resolve("temporal"));
    temporal = ItTemporal.start(server, ItSandbox.config(server.target(),
        main1.stateDir().resolve("ledger.db"), main1), List.of("local"));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (temporal != null) {
      temporal.close();
    }
    if (main1 != null) {
      main1.close();
    }
  }

  @Test
  @Order(1)
  void aRestoreStartedWithTheTemporalCliRunsAndASearchAttributeQueryFindsIt() throws Exception {
    workflowId = "restore-from-cli-" + System.currentTimeMillis();
    String started = temporalCli("workflow", "start", "--type", "RestoreWorkflow",
        "--task-queue", "restoreflow", "--workflow-id", workflowId,
        "--input", "{\"instance\":\"main1\"}");
    assertTrue(started.contains(workflowId), started);

    RestoreResult result = temporal.client.newUntypedWorkflowStub(workflowId)
        .getResult(3, TimeUnit.MINUTES, RestoreResult.class);
    assertEquals(JobState.SUCCEEDED, result.state());
    restored = result;
    assertEquals(atBackup, main1.sandbox.fingerprint(), "data verified");
    assertEquals("temporal", temporal.ledger.job(result.jobId()).orElseThrow().requestedVia());

    String query = "DbInstance=\"main1\" AND DbHost=\"local\" AND Engine=\"probackup\""
        + " AND RequestedVia=\"temporal\" AND JobId=\"" + result.jobId() + "\"";
    List<String> found = List.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (found.isEmpty() && System.nanoTime() < deadline) {
      found = workflowIds(temporalCli("workflow", "list", "--query", query, "--output", "json"));
      Thread.sleep(500);
    }
    assertEquals(List.of(workflowId), found, "temporal workflow list --query '" + query + "'");
    JsonNode listed = new ObjectMapper().readTree(
        temporalCli("workflow", "list", "--query", "DbInstance=\"nosuch\"", "--output", "json"));
    assertTrue(listed.isNull() || listed.isEmpty(), "another instance finds nothing: " + listed);
    runId = temporal.client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
  }

  @Test
  @Order(2)
  void theWebUiShowsEachStepOfAFinishedRestoreByItsActivityName() throws Exception {
    assertTrue(runId != null, "needs the restore of the first test");
    WebUiPage page = webUiPage("history");
    for (String step : List.of("StopCluster", "WipeData", "ProbackupRestore", "StartCluster")) {
      // the activity type as the UI renders it in an event row, not only inside payload JSON
      assertTrue(page.dom().contains(">" + step + "<"), step + " is not on " + page);
    }
  }

  /**
   * Issue 19: each activity carries a summary (the SDK's user metadata) and the Web UI shows it on
   * the workflow's timeline: the restore step's backup and size, the stop's instance and host.
   */
  @Test
  @Order(3)
  void theWebUiTimelineShowsTheActivitySummaries() throws Exception {
    assertTrue(restored != null, "needs the restore of the first test");
    WebUiPage page = webUiPage("timeline");
    String restoreSummary = "restore backup " + restored.backupId() + ", "
        + dev.restoreflow.workflows.Sizes.human(restored.plan().dataBytes()) + " (probackup)"
        + " into main1 on local";
    for (String summary : List.of(restoreSummary, "stop main1 on local", "verify main1 on local",
        "plan restore of main1 on local: newest backup")) {
      assertTrue(page.dom().contains(summary), "\"" + summary + "\" is not on " + page);
    }
  }

  /** A page of the Web UI as Chromium rendered it; its DOM is kept in {@code html}. */
  private record WebUiPage(String url, String dom, Path html) {
    @Override
    public String toString() {
      return url + " (DOM kept in " + html + ")";
    }
  }

  /**
   * The restore's {@code view} page (history, timeline) of the Web UI: its DOM and a screenshot
   * kept under target/webui as restore-{@code view}.html and .png; the page is the restore's own.
   */
  private WebUiPage webUiPage(String view) throws IOException, InterruptedException {
    String page = temporal.server.webUi() + "/namespaces/default/workflows/" + workflowId + "/"
        + runId + "/" + view;
    Files.createDirectories(ARTIFACTS);
    Path screenshot = ARTIFACTS.resolve("restore-" + view + ".png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    String dom = chromium("--dump-dom", page);
    Path html = ARTIFACTS.resolve("restore-" + view + ".html");
    Files.writeString(html, dom);
    chromium("--screenshot=" + screenshot, page);
    assertTrue(dom.contains(workflowId), "the page is the restore's own: " + page);
    assertTrue(Files.size(screenshot) > 10_000, "screenshot kept: " + screenshot);
    return new WebUiPage(page, dom, html);
  }

  private String temporalCli(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(ItServer.temporalCli().toString()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--address", temporal.server.target(), "--namespace", "default"));
    return run(argv, Duration.ofSeconds(60));
  }

  /** Debian's chromium, headless, with virtual time so the single-page app finishes rendering. */
  private static String chromium(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("chromium", "--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=1400,4200",
        "--virtual-time-budget=15000",
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile")));
    argv.addAll(List.of(args));
    return run(argv, Duration.ofSeconds(90));
  }

  private static String run(List<String> argv, Duration limit) throws IOException, InterruptedException {
    Path out = Files.createTempFile("cmd", ".out");
    Path err = Files.createTempFile("cmd", ".err");
    try {
      Process process = new ProcessBuilder(argv).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(argv.get(0) + " did not finish within " + limit);
      }
      String stdout = Files.readString(out);
      assertEquals(0, process.exitValue(), argv + " failed: " + Files.readString(err) + stdout);
      return stdout;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static List<String> workflowIds(String json) throws IOException {
    List<String> ids = new ArrayList<>();
    JsonNode list = new ObjectMapper().readTree(json);
    if (list != null && list.isArray()) {
      list.forEach(node -> ids.add(node.path("execution").path("workflowId").asText()));
    }
    return ids;
  }
}
