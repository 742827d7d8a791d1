package dev.restoreflow.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void everythingOnAPageIsEscaped() {
    String page = Html.page("Fail<ure>", List.of("<script>alert('x')</script> & \"more\""));
    assertFalse(page.contains("<script>"), page);
    assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"),
        page);
    assertTrue(page.contains("<h1> Fail&lt;ure&gt; </h1> <br/>"), page);
  }

  @Test
  void theInfoPageListsTheBackupsOldestFirstAsPgBackRestDoes() {
    InstanceCatalog catalog = new InstanceCatalog("demo", "pgbackrest", List.of(
        new CatalogBackup("demo", "pgbackrest", "20261123-091500F", "full", "OK",
            "2026-11-23T09:15:00Z", "2026-11-23T09:15:09Z", 100, 40, null,
            List.of("20261123-091500F"), "000000010000000000000002", "000000010000000000000002"),
        new CatalogBackup("demo", "pgbackrest", "20261123-091500F_20261123-093000I", "incr",
            "OK", "2026-11-23T09:30:00Z", "2026-11-23T09:30:02Z", 100, 4, "20261123-091500F",
            List.of("20261123-091500F", "20261123-091500F_20261123-093000I"), null, null)),
        "2026-11-23T09:15:09Z", "2026-11-23T09:40:00Z", null, null);
    List<String> lines = SeedRoutes.infoLines(catalog);
    assertEquals("stanza: demo (engine pgbackrest)", lines.get(0));
    int full = lines.indexOf("    full backup: 20261123-091500F (OK)");
    int incr = lines.indexOf("    incr backup: 20261123-091500F_20261123-093000I (OK)");
    assertTrue(full > 0 && incr > full, lines.toString());
    assertTrue(lines.contains("        backup reference list: 20261123-091500F,"
        + " 20261123-091500F_20261123-093000I"), lines.toString());
  }

  @Test
  void aWaitedJobThatFailedIsA500WithItsLogAsProblemOrPage() throws Exception {
    JobView failed = new JobView("j1", "backup-j1", "backup", "demo", "S-DB1", "FAILED", null,
        null, null, "http", 1L, 2L, "backup failed at TakeBackup: <exit 50>", null, null,
        List.of(), null);
    HttpReply problem = SeedRoutes.ended(failed, false);
    assertEquals(500, problem.status());
    assertEquals(HttpReply.PROBLEM_JSON, problem.contentType());
    com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(problem.body());
    assertEquals("JOB_FAILED", body.path("code").asText());
    assertEquals("FAILED", body.path("job").path("state").asText());
    assertEquals("backup failed at TakeBackup: <exit 50>", body.path("log").get(1).asText());
    assertEquals(List.of(), OpenApiChecker.load().check("GET", "/pgBackRest/backup/full", 500,
        problem.contentType(), new String(problem.body())));
    HttpReply page = SeedRoutes.ended(failed, true);
    assertEquals(500, page.status());
    String html = new String(page.body());
    assertTrue(html.contains("<h1> Failure </h1>") && html.contains("&lt;exit 50&gt;"), html);
    HttpReply done = SeedRoutes.ended(new JobView("j2", "backup-j2", "backup", "demo", "S-DB1",
        "SUCCEEDED", null, null, null, "http", 1L, 2L, "backup 20261123-091500F taken", null,
        null, List.of(), null), false);
    assertEquals(200, done.status());
    assertEquals(List.of(), OpenApiChecker.load().check("POST", "/pgBackRest/backup/full", 200,
        done.contentType(), new String(done.body())));
  }

  @Test
  void aJobsLogHasOneLinePerStepAndItsEnd() {
    JobView failed = new JobView("j1", "restore-j1", "restore", "main1", "S-DB1", "FAILED", null,
        "SSCOAD", null, "http", 1L, 2L, "restore failed at ProbackupRestore", "partial", null,
        List.of(new JobView.Step("PlanRestore", "DONE", 1000, 3500, 2500, "backup SSCOAD"),
            new JobView.Step("ProbackupRestore", "FAILED", 3500, 4000, 500, "exit 1")), null);
    assertEquals(List.of("job j1 (restore of main1 on S-DB1): FAILED",
        "PlanRestore       DONE      2.50 s  backup SSCOAD",
        "ProbackupRestore  FAILED    0.50 s  exit 1",
        "restore failed at ProbackupRestore",
        "data directory: partial"), failed.logLines());
  }
}
