package dev.restoreflow.worker.http;

import dev.restoreflow.workflows.model.RestoreInto;
import dev.restoreflow.workflows.model.Approval;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.RecoveryTarget;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.worker.config.RestoreflowConfig;
import io.temporal.client.WorkflowNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The JSON API under {@code /api/v1}, for every engine, and the routes it starts with. */
final class ApiRoutes {

  static final String OPENAPI_RESOURCE = "/openapi/restoreflow-api.json";
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final Pattern STATE = Pattern.compile("[A-Z_]{1,32}");
  private static final Pattern KIND = Pattern.compile("[a-z_]{1,32}");
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 1000;
  /** Paths whose content another part of restoreflow mounts ({@link HttpApi#mount}). */
  static final List<String> MOUNTED_LATER = List.of("/metrics", "/healthz", "/readyz");

  private final RestoreflowConfig config;
  private final Jobs jobs;
  private final JobViews views;
  private final Watching watching;
  private final JobLedger ledger;
  private final RestoreflowClient restoreflow;

  private ApiRoutes(RestoreflowConfig config, RestoreflowClient restoreflow, JobLedger ledger) {
    this.config = config;
    this.restoreflow = restoreflow;
    this.ledger = ledger;
    this.jobs = new Jobs(new RequestResolver(config.inventory()), restoreflow);
    this.views = new JobViews(restoreflow, ledger);
    this.watching = new Watching(views::find, config.http().maxStreams(),
        Duration.ofSeconds(config.http().streamSeconds()));
  }

  /** Every route of the API: the JSON API, the seed's paths, and 404s for the mounted ones. */
  static Router standard(RestoreflowConfig config, RestoreflowClient restoreflow,
      JobLedger ledger, String seedEngine) {
    ApiRoutes api = new ApiRoutes(config, restoreflow, ledger);
    Router router = new Router();
    router.mount(ExtraRoute.of("GET", "/api/v1/openapi.json", r -> openApi()));
    router.mount(ExtraRoute.of("GET", "/api/v1/instances", api::instances));
    router.mount(ExtraRoute.of("GET", "/api/v1/instances/{instance}", api::instance));
    router.mount(ExtraRoute.of("GET", "/api/v1/instances/{instance}/backups", api::backups));
    router.mount(ExtraRoute.of("POST", "/api/v1/instances/{instance}/backups", api::startBackup));
    router.mount(ExtraRoute.of("POST", "/api/v1/instances/{instance}/restores", api::startRestore));
    router.mount(ExtraRoute.of("GET", "/api/v1/jobs", api::jobList));
    router.mount(ExtraRoute.of("GET", "/api/v1/jobs/{job}", api::job));
    router.mount(ExtraRoute.of("POST", "/api/v1/jobs/{job}/cancel", api::cancel));
    router.mount(ExtraRoute.of("POST", "/api/v1/jobs/{job}/approve", r -> api.answer(r, true)));
    router.mount(ExtraRoute.of("POST", "/api/v1/jobs/{job}/reject", r -> api.answer(r, false)));
    router.mount(ExtraRoute.of("GET", "/api/v1/jobs/{job}/events", api::events));
    SeedRoutes.mount(router, config, api.jobs, api.watching, seedEngine);
    for (String path : MOUNTED_LATER) {
      router.mount(ExtraRoute.open("GET", path, r -> {
        throw new Problem(404, Problem.NOT_FOUND, path + " is not served by this build");
      }));
    }
    return router;
  }

  /** An instance as the API lists it: what its engine can do. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record InstanceView(String name, String engine, String host, List<String> restoreHosts,
      List<String> backupTypes, List<String> compressions, boolean restoresIncrementally) {}

  /** The body of POST .../backups; all optional. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record BackupBody(String type, String compression, String name, String dir, Boolean force,
      List<String> tables) {}

  /** The body of POST .../restores: the restore request's fields; all optional. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record RestoreBody(String host, String backupId, Boolean incremental,
      RecoveryTarget recoveryTarget, Boolean promote, Boolean dryRun, Boolean full,
      List<String> tables, RestoreInto into, Boolean drill, Boolean requireApproval) {}

  /** The body of approve and reject: who answers (required), and why. */
  record ApprovalBody(String by, String reason) {}

  private HttpReply instances(HttpRequestView r) {
    allowQuery(r);
    List<InstanceView> list = new TreeMap<>(config.instances()).entrySet().stream()
        .map(e -> view(e.getKey(), e.getValue())).toList();
    return HttpReply.json(200, Map.of("instances", list));
  }

  private HttpReply instance(HttpRequestView r) {
    allowQuery(r);
    String name = r.pathParam("instance");
    return HttpReply.json(200, view(name, jobs.resolver().instance(name)));
  }

  private InstanceView view(String name, InstanceConfig instance) {
    Engine engine = jobs.resolver().engines().of(instance);
    return new InstanceView(name, engine.name(), instance.host(), instance.restoreHosts(),
        engine.backupTypes(), engine.compressions(), engine.restoresIncrementally());
  }

  private HttpReply backups(HttpRequestView r) {
    allowQuery(r);
    return HttpReply.json(200, jobs.catalog(r.pathParam("instance")));
  }

  private HttpReply startBackup(HttpRequestView r) {
    allowQuery(r);
    String instance = r.pathParam("instance");
    jobs.resolver().instance(instance);
    BackupBody body = body(r, BackupBody.class, new BackupBody(null, null, null, null, null,
        null));
    JobView job = jobs.startBackup(BackupRequest.of(instance).withType(body.type())
        .withCompression(body.compression()).withName(body.name()).withDir(body.dir())
        .withForce(Boolean.TRUE.equals(body.force())).withTables(body.tables()), r.client());
    return accepted(job);
  }

  private HttpReply startRestore(HttpRequestView r) {
    allowQuery(r);
    String instance = r.pathParam("instance");
    jobs.resolver().instance(instance);
    RestoreBody b = body(r, RestoreBody.class,
        new RestoreBody(null, null, null, null, null, null, null, null, null, null, null));
    RestoreRequest request = new RestoreRequest(instance, b.host(), b.backupId(),
        Boolean.TRUE.equals(b.incremental()), b.recoveryTarget() == null
            || b.recoveryTarget().isEmpty() ? null : b.recoveryTarget(), b.promote(),
        Boolean.TRUE.equals(b.dryRun()), null, null).withFull(Boolean.TRUE.equals(b.full()))
        .withTables(b.tables()).withInto(b.into()).withDrill(Boolean.TRUE.equals(b.drill()))
        .withRequireApproval(Boolean.TRUE.equals(b.requireApproval()) ? Boolean.TRUE : null);
    return accepted(jobs.startRestore(request, r.client()));
  }

  static HttpReply accepted(JobView job) {
    return HttpReply.json(202, job).withHeader("Location", "/api/v1/jobs/" + job.jobId());
  }

  private HttpReply jobList(HttpRequestView r) {
    allowQuery(r, "instance", "state", "kind", "limit");
    String instance = r.query("instance");
    if (instance != null) {
      jobs.resolver().instance(instance);
    }
    String state = checked(r, "state", STATE, "a job state such as RUNNING or FAILED");
    String kind = checked(r, "kind", KIND, "a job kind: restore or backup");
    int limit = DEFAULT_LIMIT;
    if (r.query("limit") != null) {
      try {
        limit = Integer.parseInt(r.query("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new Problem(400, Problem.BAD_QUERY, "limit must be 1-" + MAX_LIMIT);
      }
    }
    // the ledger filters by instance and state; the kind is filtered here, from a bounded read
    List<JobRow> rows = ledger.jobs(instance, state, kind == null ? limit : MAX_LIMIT * 10);
    List<JobView> list = rows.stream().filter(row -> kind == null || kind.equals(row.kind()))
        .limit(limit).map(row -> JobViews.of(row, null)).toList();
    return HttpReply.json(200, Map.of("jobs", list));
  }

  private HttpReply job(HttpRequestView r) {
    allowQuery(r);
    String jobId = jobId(r);
    return HttpReply.json(200, views.find(jobId, true)
        .orElseThrow(() -> Watching.unknown(jobId)));
  }

  private HttpReply cancel(HttpRequestView r) {
    allowQuery(r);
    String jobId = jobId(r);
    JobView job = views.find(jobId, false).orElseThrow(() -> Watching.unknown(jobId));
    if (job.isOver()) {
      throw new Problem(409, Problem.JOB_ENDED, "job " + jobId + " is over (" + job.state()
          + "); there is nothing to cancel", Map.of("job", job));
    }
    try {
      restoreflow.cancel(jobId);
    } catch (WorkflowNotFoundException ended) {
      throw new Problem(409, Problem.JOB_ENDED, "job " + jobId + " ended meanwhile");
    }
    return accepted(views.find(jobId, false).orElse(job));
  }

  /** Approves or rejects a restore job awaiting approval; the body says who, and why. */
  private HttpReply answer(HttpRequestView r, boolean approve) {
    allowQuery(r);
    String jobId = jobId(r);
    ApprovalBody b = body(r, ApprovalBody.class, new ApprovalBody(null, null));
    if (b.by() == null || b.by().isBlank() || b.by().length() > 200
        || (b.reason() != null && b.reason().length() > 2000)) {
      throw new Problem(400, Problem.BAD_JSON, "say who " + (approve ? "approves" : "rejects")
          + " in the body, e.g. {\"by\":\"alice\",\"reason\":\"OPS-12\"} (by: at most 200"
          + " characters, reason: 2000)");
    }
    JobView job = views.find(jobId, false).orElseThrow(() -> Watching.unknown(jobId));
    try {
      restoreflow.answerApproval(jobId, new Approval(b.by().strip(), b.reason()), approve);
    } catch (IllegalStateException notWaiting) {
      throw new Problem(409, Problem.NOT_AWAITING_APPROVAL, notWaiting.getMessage(),
          Map.of("job", job));
    } catch (WorkflowNotFoundException gone) {
      throw new Problem(409, Problem.NOT_AWAITING_APPROVAL, "job " + jobId + " is not a restore"
          + " job awaiting approval");
    }
    return accepted(views.find(jobId, false).orElse(job));
  }

  private HttpReply events(HttpRequestView r) {
    allowQuery(r);
    return watching.events(jobId(r));
  }

  private static String jobId(HttpRequestView r) {
    String jobId = r.pathParam("job");
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new Problem(400, Problem.BAD_JOB_ID, "'" + HttpApi.shorten(jobId) + "' is not a job"
          + " id (letters, digits, _ . : -)");
    }
    return jobId;
  }

  private static String checked(HttpRequestView r, String name, Pattern form, String what) {
    String value = r.query(name);
    if (value != null && !form.matcher(value).matches()) {
      throw new Problem(400, Problem.BAD_QUERY, name + " must be " + what);
    }
    return value;
  }

  /** Unknown query parameters are refused: a typo must not widen what a request does. */
  static void allowQuery(HttpRequestView r, String... names) {
    Set<String> allowed = Set.of(names);
    for (String name : r.query().keySet()) {
      if (!allowed.contains(name)) {
        throw new Problem(400, Problem.BAD_QUERY, "unknown query parameter '"
            + HttpApi.shorten(name) + "'" + (names.length == 0 ? "; this path takes none"
            : "; known: " + String.join(", ", new java.util.TreeSet<>(allowed))));
      }
    }
  }

  /** The JSON body as {@code type}; an empty body is {@code empty}. */
  static <T> T body(HttpRequestView r, Class<T> type, T empty) {
    if (r.body().length == 0) {
      return empty;
    }
    try {
      T value = Json.MAPPER.readValue(r.body(), type);
      return value == null ? empty : value;
    } catch (UnrecognizedPropertyException e) {
      throw new Problem(400, Problem.BAD_JSON, "unknown field '"
          + HttpApi.shorten(e.getPropertyName()) + "'; known: " + e.getKnownPropertyIds());
    } catch (JsonProcessingException e) {
      throw new Problem(400, Problem.BAD_JSON, "the body is not the JSON this path takes: "
          + HttpApi.shorten(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new Problem(400, Problem.BAD_JSON, "the body could not be read");
    }
  }

  private static HttpReply openApi() {
    try (InputStream in = ApiRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + OPENAPI_RESOURCE);
      }
      return new HttpReply(200, HttpReply.JSON, in.readAllBytes(), Map.of(), null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }
}
