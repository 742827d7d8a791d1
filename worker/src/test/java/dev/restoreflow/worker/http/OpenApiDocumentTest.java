package dev.restoreflow.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.ConfigLoader;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the routes describe the same API; the checker catches what it must. */
class OpenApiDocumentTest {

  private final OpenApiChecker openApi = OpenApiChecker.load();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
    Router router = ApiRoutes.standard(ConfigLoader.parse("""
        {"hosts": {"S-DB1": {"kind": "local"}},
         "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                                 "probackup": {"catalog": "/mnt/backups"}}}}
        """), null, null, SeedRoutes.ENGINE);
    List<String> routed = new ArrayList<>();
    for (ExtraRoute route : router.routes()) {
      if (ApiRoutes.MOUNTED_LATER.contains(route.path())) {
        continue;
      }
      String concrete = route.path().replace("{instance}", "main1").replace("{job}", "j1");
      assertTrue(openApi.documents(route.method(), concrete), route.method() + " " + route.path());
      routed.add(route.method() + " " + route.path());
    }
    JsonNode paths = openApi.doc().get("paths");
    for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
      String template = it.next();
      for (Iterator<String> methods = paths.get(template).fieldNames(); methods.hasNext(); ) {
        String method = methods.next().toUpperCase(Locale.ROOT);
        String concrete = template.replace("{type}", "full");
        assertTrue(router.match(method, concrete) instanceof Router.Found,
            method + " " + template + " is documented but not routed");
      }
    }
    assertEquals(3 * 2 + 2 * 2 + 12, routed.size(), routed.toString());
  }

  @Test
  void theCheckerFindsMissingFieldsWrongTypesAndUndocumentedAnswers() throws Exception {
    String job = "{\"jobId\":\"j1\",\"kind\":\"restore\",\"state\":\"RUNNING\",\"queuePosition\":0,"
        + "\"steps\":[{\"name\":\"PlanRestore\",\"status\":\"DONE\",\"startedAt\":1}]}";
    assertEquals(List.of(), openApi.check("GET", "/api/v1/jobs/j1", 200, "application/json", job));
    assertEquals(List.of("$: required field 'state' is missing"), openApi.check("GET",
        "/api/v1/jobs/j1", 200, "application/json", job.replace("\"state\":\"RUNNING\",", "")));
    assertEquals(List.of("$.queuePosition: not an integer: \"0\""), openApi.check("GET",
        "/api/v1/jobs/j1", 200, "application/json", job.replace(":0,", ":\"0\",")));
    assertEquals(List.of("$.steps[0].name: not a string: 7"), openApi.check("GET",
        "/api/v1/jobs/j1", 200, "application/json", job.replace("\"PlanRestore\"", "7")));
    assertFalse(openApi.check("GET", "/api/v1/jobs/j1", 200, "text/html", job).isEmpty());
    assertFalse(openApi.check("GET", "/api/v1/nothing", 200, "application/json", "{}").isEmpty());
    assertFalse(openApi.check("DELETE", "/api/v1/jobs/j1", 200, "application/json", job).isEmpty());
    // an error answer is a problem wherever it comes from (the default response)
    String problem = "{\"type\":\"urn:restoreflow:problem:X\",\"title\":\"Bad Request\","
        + "\"status\":400,\"detail\":\"d\",\"code\":\"X\"}";
    assertEquals(List.of(), openApi.check("POST", "/api/v1/instances/main1/restores", 400,
        "application/problem+json", problem));
    assertFalse(openApi.check("POST", "/api/v1/instances/main1/restores", 400,
        "application/problem+json", problem.replace(",\"code\":\"X\"", "")).isEmpty());
    assertFalse(openApi.checkSchema("RestoreBody", json.readTree("{\"db_instance\":\"x\"}"))
        .isEmpty(), "request bodies take no undocumented fields");
    assertEquals(List.of(), openApi.checkSchema("RestoreBody", json.readTree(
        "{\"host\":\"S-DB1\",\"incremental\":true,\"recoveryTarget\":{\"lsn\":\"0/3000060\"}}")));
    assertEquals(List.of(), openApi.checkSchema("RestoreBody", json.readTree("{\"full\":true}")));
  }

  @Test
  void theRestoreBodyDocumentedIsTheOneTheServerReads() {
    List<String> read = Arrays.stream(ApiRoutes.RestoreBody.class.getRecordComponents())
        .map(RecordComponent::getName).sorted().toList();
    List<String> documented = new ArrayList<>();
    openApi.doc().at("/components/schemas/RestoreBody/properties").fieldNames()
        .forEachRemaining(documented::add);
    assertEquals(read, documented.stream().sorted().toList());
  }

  @Test
  void theDocumentedSchemasFitWhatTheServerWrites() throws Exception {
    JobView view = new JobView("j1", "restore-j1", "restore", "main1", "S-DB1", "RUNNING",
        "ProbackupRestore", "SSCOAD", 0, "http", 1L, null, null, null, null,
        List.of(new JobView.Step("PlanRestore", "DONE", 1, 2, 1, "backup SSCOAD")),
        Map.of("percent", 42, "filesDone", 420));
    assertEquals(List.of(), openApi.checkSchema("Job", json.readTree(Json.text(view))));
    assertEquals(List.of("$: field 'over' is not documented"), openApi.checkSchema("Job",
        json.readTree(Json.text(view).replace("{\"jobId\"", "{\"over\":false,\"jobId\""))),
        "answers carry only documented fields");
    assertEquals(List.of(), openApi.checkSchema("Problem", json.readTree(new String(
        new Problem(500, Problem.JOB_FAILED, "job j1 ended FAILED",
            Map.of("job", view, "log", view.logLines())).reply().body()))));
  }
}
