package dev.restoreflow.worker;

import dev.restoreflow.activities.cluster.ClusterActivitiesImpl;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.notify.DeliveryRecord;
import dev.restoreflow.activities.notify.NotifyActivitiesImpl;
import dev.restoreflow.activities.notify.WebhookPoster;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.server.ServerActivitiesImpl;
import dev.restoreflow.activities.steps.BackupActivitiesImpl;
import dev.restoreflow.activities.steps.CatalogActivitiesImpl;
import dev.restoreflow.activities.steps.PlanActivitiesImpl;
import dev.restoreflow.activities.steps.RetentionActivitiesImpl;
import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.config.NotificationsConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.temporal.SearchAttributeSetup;
import dev.restoreflow.workflows.BackupWorkflowImpl;
import dev.restoreflow.workflows.CatalogWorkflowImpl;
import dev.restoreflow.workflows.HostQueueWorkflowImpl;
import dev.restoreflow.workflows.NotifyWorkflowImpl;
import dev.restoreflow.workflows.RestoreTargetWorkflowImpl;
import dev.restoreflow.workflows.RestoreWorkflowImpl;
import dev.restoreflow.workflows.RetentionWorkflowImpl;
import dev.restoreflow.workflows.ScheduledBackupWorkflowImpl;
import dev.restoreflow.workflows.ScheduledRetentionWorkflowImpl;
import dev.restoreflow.workflows.ScheduledRestoreWorkflowImpl;
import dev.restoreflow.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;

/** Registers restoreflow's workflows and activities on a worker factory. */
public final class Workers {

  /** Listings of a host's repositories that run at once (a catalog of every instance asks each). */
  private static final int READS_AT_ONCE = 4;

  private Workers() {}

  /**
   * The server's worker: all workflow code, plus the local activities (config, queue, ledger).
   * The namespace gets the search attributes the workflows set, if it lacks them.
   */
  public static Worker addServer(WorkerFactory factory, RestoreflowConfig config,
      JobLedger ledger) {
    return addServer(factory, config, ledger, System::getenv);
  }

  /**
   * @param environment where the notification webhooks' URLs and tokens are read (checked here,
   *     read again at each send)
   * @throws ConfigException a webhook's variable is unset or not an http(s) URL, or the delivery
   *     record cannot be opened
   */
  public static Worker addServer(WorkerFactory factory, RestoreflowConfig config,
      JobLedger ledger, java.util.function.Function<String, String> environment) {
    NotifyActivitiesImpl notifier = notifier(config.notifications(), config.ledger(), environment);
    WorkflowClient client = factory.getWorkflowClient();
    SearchAttributeSetup.ensure(client.getWorkflowServiceStubs(), client.getOptions()
        .getNamespace());
    Worker worker = factory.newWorker(TaskQueues.SERVER);
    worker.registerWorkflowImplementationTypes(RestoreWorkflowImpl.class,
        BackupWorkflowImpl.class, CatalogWorkflowImpl.class, HostQueueWorkflowImpl.class,
        ScheduledRestoreWorkflowImpl.class, ScheduledBackupWorkflowImpl.class,
        ScheduledRetentionWorkflowImpl.class, RetentionWorkflowImpl.class,
        RestoreTargetWorkflowImpl.class, NotifyWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ServerActivitiesImpl(config.inventory(), ledger, client), notifier);
    return worker;
  }

  /** The Notify activity of the config's webhooks; none = notices are dropped. */
  private static NotifyActivitiesImpl notifier(NotificationsConfig notifications, String ledger,
      java.util.function.Function<String, String> environment) {
    if (notifications.webhooks().isEmpty()) {
      return NotifyActivitiesImpl.none();
    }
    notifications.checkEnvironment(environment);
    DeliveryRecord record;
    try {
      // the loader fills in the default; a config built in code may leave it out
      record = new DeliveryRecord(Path.of(notifications.deliveries() != null
          ? notifications.deliveries() : ledger + "-notices.db"));
    } catch (IllegalStateException e) {
      throw new ConfigException("notifications.deliveries", e.getMessage());
    }
    return new NotifyActivitiesImpl(notifications.webhooks(), environment, record,
        new WebhookPoster());
  }

  /**
   * A host's worker: the host-bound activities, one at a time (the host queue already runs one
   * job at a time; this is the second guard), and the host's reads (ListBackups) on a task queue
   * of their own, so the catalog is read while a job's step runs.
   */
  public static Worker addHost(WorkerFactory factory, RestoreflowConfig config, String host) {
    return addHost(factory, config, host, System::getenv);
  }

  /** @param environment where repository credentials named by the config are read */
  public static Worker addHost(WorkerFactory factory, RestoreflowConfig config, String host,
      java.util.function.Function<String, String> environment) {
    if (!config.hosts().containsKey(host)) {
      throw new IllegalArgumentException("host '" + host + "' is not in the config; configured: "
          + config.hosts().keySet());
    }
    Worker worker = factory.newWorker(TaskQueues.forHost(host), WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(1)
        // heartbeat details (FetchS3's restart point) reach the server every 2 s instead of
        // every 0.8 x heartbeat timeout: a retry after a crash repeats at most ~2 s of work
        .setMaxHeartbeatThrottleInterval(java.time.Duration.ofSeconds(2))
        .build());
    HostServices services = new HostServices(config.inventory(), new ConfiguredHosts(config),
        environment);
    Engines engines = Engines.standard();
    worker.registerActivitiesImplementations(
        new PlanActivitiesImpl(services, engines),
        new ClusterActivitiesImpl(services, engines),
        new BackupActivitiesImpl(services, engines),
        new RetentionActivitiesImpl(services, engines));
    for (Engine engine : engines.all()) {
      worker.registerActivitiesImplementations(engine.restoreStepActivities(services));
    }
    factory.newWorker(TaskQueues.forHostReads(host), WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(READS_AT_ONCE).build())
        .registerActivitiesImplementations(new CatalogActivitiesImpl(services, engines));
    return worker;
  }
}
