package dev.restoreflow.worker.http;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Sizes;
import dev.restoreflow.workflows.model.BackupRequest;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RestoreRequest;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.gateway.GatewayError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The paths of seed 001's Flask server, GET or POST: {@code /pgBackRest/info},
 * {@code /pgBackRest/backup/full|diff|incr}, {@code /pgBackRest/restore/delta}, for the instance
 * whose engine is {@code pgbackrest} ({@code ?instance=} when there are several). A backup or
 * restore starts a job and answers 202 with it; {@code ?wait=true} waits for its end and answers
 * 200 with its log lines, or 500 with the failure; {@code Accept: text/html} gets a page.
 */
final class SeedRoutes {

  /** The engine these paths serve: they are pgBackRest's by name. */
  static final String ENGINE = PgBackRestEngine.NAME;
  static final List<String> BACKUP_TYPES = List.of("full", "diff", "incr");

  private final RestoreflowConfig config;
  private final Jobs jobs;
  private final Watching watching;
  private final String engine;

  private SeedRoutes(RestoreflowConfig config, Jobs jobs, Watching watching, String engine) {
    this.config = config;
    this.jobs = jobs;
    this.watching = watching;
    this.engine = engine;
  }

  static void mount(Router router, RestoreflowConfig config, Jobs jobs, Watching watching,
      String engine) {
    SeedRoutes seed = new SeedRoutes(config, jobs, watching, engine);
    for (String method : List.of("GET", "POST")) {
      router.mount(ExtraRoute.of(method, "/pgBackRest/info", seed::info));
      for (String type : BACKUP_TYPES) {
        router.mount(ExtraRoute.of(method, "/pgBackRest/backup/" + type,
            r -> seed.backup(r, type)));
      }
      router.mount(ExtraRoute.of(method, "/pgBackRest/restore/delta", seed::restoreDelta));
    }
  }

  private HttpReply info(HttpRequestView r) {
    ApiRoutes.allowQuery(r, "instance");
    String instance = instance(r);
    InstanceCatalog catalog = jobs.catalog(instance);
    if (r.wantsHtml()) {
      return HttpReply.html(200, Html.page("Success", infoLines(catalog)));
    }
    return HttpReply.json(200, catalog);
  }

  private HttpReply backup(HttpRequestView r, String type) {
    ApiRoutes.allowQuery(r, "instance", "wait");
    boolean wait = wait(r);
    String instance = instance(r);
    JobView job = jobs.startBackup(BackupRequest.of(instance).withType(type), r.client());
    return answer(r, job, wait);
  }

  private HttpReply restoreDelta(HttpRequestView r) {
    ApiRoutes.allowQuery(r, "instance", "wait");
    boolean wait = wait(r);
    String instance = instance(r);
    JobView job = jobs.startRestore(RestoreRequest.of(instance).withIncremental(true), r.client());
    return answer(r, job, wait);
  }

  private HttpReply answer(HttpRequestView r, JobView started, boolean wait) {
    if (!wait) {
      if (r.wantsHtml()) {
        return HttpReply.html(202, Html.page("Started", started.logLines()))
            .withHeader("Location", "/api/v1/jobs/" + started.jobId());
      }
      return ApiRoutes.accepted(started);
    }
    return ended(watching.awaitEnd(started.jobId()), r.wantsHtml());
  }

  /** The answer to {@code ?wait=true}: 200 and the log lines, or 500 and the failure. */
  static HttpReply ended(JobView job, boolean html) {
    boolean ok = job.state().equals("SUCCEEDED") || job.state().equals("PLANNED");
    if (html) {
      return HttpReply.html(ok ? 200 : 500, Html.page(ok ? "Success" : "Failure", job.logLines()));
    }
    if (ok) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("job", job);
      body.put("log", job.logLines());
      return HttpReply.json(200, body);
    }
    return new Problem(500, Problem.JOB_FAILED, "job " + job.jobId() + " ended " + job.state()
        + (job.message() != null ? ": " + job.message() : job.error() != null
            ? ": " + job.error() : ""), Map.of("job", job, "log", job.logLines())).reply();
  }

  /**
   * The pgBackRest instance the request is about: the one asked for, or the only one configured.
   *
   * @throws Problem UNKNOWN_INSTANCE (none, or not that one), MISSING_INSTANCE (several, none
   *     asked for), NOT_SUPPORTED (the one asked for has another engine)
   */
  private String instance(HttpRequestView r) {
    String asked = r.query("instance");
    if (asked != null) {
      InstanceConfig instance = jobs.resolver().instance(asked);
      if (!engine.equals(instance.engine())) {
        throw new Problem(400, FailureType.NOT_SUPPORTED.name(), "instance '" + asked
            + "' has engine " + instance.engine() + "; /pgBackRest/* serves instances whose"
            + " engine is " + engine + " (/api/v1 serves every engine)");
      }
      return asked;
    }
    TreeSet<String> names = new TreeSet<>();
    config.instances().forEach((name, instance) -> {
      if (engine.equals(instance.engine())) {
        names.add(name);
      }
    });
    if (names.isEmpty()) {
      throw new Problem(404, FailureType.UNKNOWN_INSTANCE.name(), "no instance with engine "
          + engine + " is configured (instances.NAME.engine); /api/v1 serves the others");
    }
    if (names.size() > 1) {
      throw new Problem(400, GatewayError.MISSING_INSTANCE, "several pgBackRest instances are"
          + " configured (" + String.join(", ", names) + "): add ?instance=NAME");
    }
    return names.first();
  }

  private static boolean wait(HttpRequestView r) {
    String wait = r.query("wait");
    if (wait == null || wait.equals("false")) {
      return false;
    }
    if (wait.equals("true")) {
      return true;
    }
    throw new Problem(400, Problem.BAD_QUERY, "wait must be true or false");
  }

  /** The catalog as pgBackRest's {@code info} prints it, oldest backup first. */
  static List<String> infoLines(InstanceCatalog catalog) {
    List<String> lines = new ArrayList<>();
    lines.add("stanza: " + catalog.instance() + " (engine " + catalog.engine() + ")");
    if (catalog.note() != null) {
      lines.add("    " + catalog.note());
    }
    lines.add("    restorable from " + orDash(catalog.restorableFrom()) + " to "
        + orDash(catalog.restorableTo()));
    for (CatalogBackup b : catalog.backups()) {
      lines.add("");
      lines.add("    " + b.type() + " backup: " + b.id() + " (" + b.status() + ")");
      lines.add("        timestamp start/stop: " + orDash(b.startTime()) + " / "
          + orDash(b.endTime()));
      lines.add("        wal start/stop: " + orDash(b.walStart()) + " / " + orDash(b.walStop()));
      lines.add("        database size: " + Sizes.human(b.dataBytes()) + ", backup size: "
          + Sizes.human(b.storedBytes()));
      if (b.parentId() != null) {
        lines.add("        backup reference list: " + String.join(", ", b.chain()));
      }
    }
    return lines;
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }
}
