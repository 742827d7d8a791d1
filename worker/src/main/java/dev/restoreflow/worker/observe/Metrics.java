package dev.restoreflow.worker.observe;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.client.HostQueueReads;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.Catalog;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The page {@code /metrics} serves ({@link PrometheusText#CONTENT_TYPE}): the ledger's jobs
 * (by kind, engine and state; job and step durations; bytes backed up and restored), the age of
 * each instance's newest good backup (from the catalog, read in the background every 10 minutes,
 * and again once a backup job has ended since the last read), each host's queue (read in the
 * background at most every 5 s), and the Temporal SDK's own metrics. A scrape never runs a host
 * command and never waits on a busy queue: it gets the values last read.
 *
 * <p>The catalog is a workflow (CatalogWorkflow) whose hosts' workers list their repositories:
 * reading it on every scrape would start a workflow and run the engines' list commands each time.
 */
public final class Metrics implements AutoCloseable {

  /** Backups made outside restoreflow's jobs (by hand, a tool's own cron) show within this. */
  static final Duration CATALOG_MAX_AGE = Duration.ofMinutes(10);
  static final Duration QUEUE_MAX_AGE = Duration.ofSeconds(5);
  /** The first scrape waits this long for the first reads; later ones never wait. */
  private static final Duration FIRST_WAIT = Duration.ofSeconds(3);
  /** A listing whose host does not answer gets a note after 30 s (CatalogWorkflow). */
  private static final Duration CATALOG_LIMIT = Duration.ofSeconds(60);

  private final RestoreflowConfig config;
  private final JobLedger ledger;
  private final SdkMetrics sdk;
  private final LongSupplier clock;
  private final LedgerFigures ledgerFigures;
  private final Set<String> stepsWithBytes;
  private final Refreshing<Catalog> catalog;
  private final Map<String, Refreshing<QueueState>> queues = new TreeMap<>();
  private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "metrics-read");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param client the server's client (its namespace)
   * @param sdk the reporter whose scope the server's WorkflowServiceStubs were built with
   */
  public Metrics(RestoreflowConfig config, JobLedger ledger, WorkflowClient client,
      SdkMetrics sdk) {
    this(config, ledger, sdk, System::currentTimeMillis,
        () -> catalogOf(new RestoreflowClient(client)), readerOf(new HostQueueReads(client)));
  }

  Metrics(RestoreflowConfig config, JobLedger ledger, SdkMetrics sdk, LongSupplier clock,
      java.util.function.Supplier<Catalog> readCatalog,
      java.util.function.Function<String, QueueState> readQueue) {
    this.config = config;
    this.ledger = ledger;
    this.sdk = sdk;
    this.clock = clock;
    this.ledgerFigures = new LedgerFigures(instance -> config.instance(instance)
        .map(InstanceConfig::engine).orElse(null));
    this.stepsWithBytes = longSteps();
    this.catalog = new Refreshing<>("the backup catalog", readCatalog, CATALOG_MAX_AGE, readers,
        clock);
    for (String host : new TreeSet<>(config.hosts().keySet())) {
      queues.put(host, new Refreshing<>("the queue of host " + host, () -> readQueue.apply(host),
          QUEUE_MAX_AGE, readers, clock));
    }
  }

  /** The page, in the Prometheus text exposition format 0.0.4. */
  public String prometheusText() {
    catalog.get(Duration.ZERO);
    queues.values().forEach(queue -> queue.get(Duration.ZERO));
    List<JobRow> jobs = ledger.jobs(null, null, Integer.MAX_VALUE);
    jobs.stream().filter(job -> QueueEntry.BACKUP.equals(job.kind()))
        .mapToLong(JobRow::finishedAt).max().ifPresent(catalog::readAgainIfReadBefore);
    PrometheusText text = new PrometheusText();
    ledgerFigures.render(text, jobs, ledger.stepsOfEveryJob(stepsWithBytes));
    renderCatalog(text);
    renderQueues(text);
    sdk.render(text);
    return text.text();
  }

  private void renderCatalog(PrometheusText text) {
    Optional<Refreshing.Value<Catalog>> read = catalog.get(FIRST_WAIT);
    long now = clock.getAsLong();
    text.family("restoreflow_catalog_read_age_seconds", "gauge",
        "Seconds since the backup catalog these figures come from was read (read again in the"
            + " background after " + CATALOG_MAX_AGE.toMinutes() + " min, or when a backup job"
            + " has ended).");
    read.ifPresent(r -> text.sample("restoreflow_catalog_read_age_seconds", Map.of(),
        (now - r.readAtMillis()) / 1000.0));
    text.family("restoreflow_backups", "gauge",
        "Backups in each instance's repository by status (OK, RUNNING, ERROR, CORRUPT).");
    Map<Map<String, String>, Long> counts = new LinkedHashMap<>();
    Map<Map<String, String>, Double> ages = new LinkedHashMap<>();
    for (InstanceCatalog entry : read.map(r -> r.value().instances()).orElse(List.of())) {
      String engine = entry.engine() == null ? LedgerFigures.UNKNOWN : entry.engine();
      Instant newest = null;
      for (CatalogBackup backup : entry.backups()) {
        counts.merge(Map.of("instance", entry.instance(), "engine", engine, "status",
            backup.status()), 1L, Long::sum);
        Instant end = instant(backup.endTime());
        if (CatalogBackup.OK.equals(backup.status()) && end != null
            && (newest == null || end.isAfter(newest))) {
          newest = end;
        }
      }
      if (newest != null) {
        ages.put(Map.of("instance", entry.instance(), "engine", engine),
            Math.max(0, now - newest.toEpochMilli()) / 1000.0);
      }
    }
    counts.forEach((labels, n) -> text.sample("restoreflow_backups", labels, n));
    text.family("restoreflow_newest_backup_age_seconds", "gauge",
        "Seconds since the newest OK backup of each instance ended (no series: no OK backup).");
    ages.forEach((labels, age) -> text.sample("restoreflow_newest_backup_age_seconds", labels, age));
  }

  private void renderQueues(PrometheusText text) {
    Map<String, QueueState> states = new TreeMap<>();
    queues.forEach((host, queue) -> queue.get(FIRST_WAIT)
        .ifPresent(read -> states.put(host, read.value())));
    text.family("restoreflow_host_queue_length", "gauge",
        "Jobs waiting in each host's queue (not counting the one running); read at most every "
            + QUEUE_MAX_AGE.toSeconds() + " s.");
    states.forEach((host, state) -> text.sample("restoreflow_host_queue_length",
        Map.of("host", host), state.waiting().size()));
    text.family("restoreflow_host_queue_running", "gauge",
        "1 when a job holds the host, else 0.");
    states.forEach((host, state) -> text.sample("restoreflow_host_queue_running",
        Map.of("host", host), state.running() == null ? 0 : 1));
  }

  private static Instant instant(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The steps whose detail may report bytes: TakeBackup and every engine's own restore step. */
  private static Set<String> longSteps() {
    Set<String> names = new TreeSet<>();
    names.add(Steps.TAKE_BACKUP);
    Engines.standard().all().forEach(engine -> {
      // {incremental, full}: the default restore, an incremental one, a full one
      for (boolean[] asked : new boolean[][] {{false, false}, {true, false}, {false, true}}) {
        try {
          engine.restoreSteps(asked[0], asked[1]).stream().map(PlannedStep::name)
              .filter(name -> !Steps.SHORT_STEPS.contains(name)).forEach(names::add);
        } catch (RuntimeException notSupported) {
          // an engine that does not restore incrementally
        }
      }
    });
    return names;
  }

  private static Catalog catalogOf(RestoreflowClient restoreflow) {
    try {
      return restoreflow.catalog(null, CATALOG_LIMIT);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the catalog was not read within " + CATALOG_LIMIT, e);
    }
  }

  private static java.util.function.Function<String, QueueState> readerOf(HostQueueReads reads) {
    return host -> {
      try {
        return reads.read(host);
      } catch (WorkflowNotFoundException noJobYet) {
        return QueueState.empty(host);
      }
    };
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
