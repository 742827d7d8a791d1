package dev.restoreflow.activities.steps;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.config.RetentionConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.registry.Engines;
import dev.restoreflow.activities.retention.BackupFacts;
import dev.restoreflow.activities.retention.CatalogFacts;
import dev.restoreflow.activities.retention.Retention;
import dev.restoreflow.activities.retention.RetentionPlan;
import dev.restoreflow.activities.retention.RetentionPolicy;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.RetentionActivities;
import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.RetentionInput;
import dev.restoreflow.workflows.model.RetentionReport;
import dev.restoreflow.workflows.model.RetentionVerdict;
import dev.restoreflow.workflows.model.StepResult;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * PlanRetention and ApplyRetention: the instance's backups as its engine's catalog lists them
 * (read from the repository), decided by {@link Retention} under the instance's policy, deleted
 * one by one through the engine (dependents first).
 */
public class RetentionActivitiesImpl implements RetentionActivities {

  private final HostServices services;
  private final Engines engines;

  public RetentionActivitiesImpl(HostServices services, Engines engines) {
    this.services = services;
    this.engines = engines;
  }

  @Override
  public RetentionReport planRetention(RetentionInput input) {
    try (HostStep step = HostStep.open(services, input.step());
        Heartbeats beats = Heartbeats.start()) {
      return report(step, input).report();
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.PLAN_RETENTION, e);
    }
  }

  @Override
  public StepResult applyRetention(RetentionInput input, List<String> planned) {
    long started = System.currentTimeMillis();
    AtomicReference<String> progress = new AtomicReference<>("deciding again");
    try (HostStep step = HostStep.open(services, input.step());
        Heartbeats beats = Heartbeats.start(progress::get)) {
      Decided now = report(step, input);
      List<String> deleting = now.report().toDelete().stream().filter(planned::contains)
          .toList();
      List<String> spared = planned.stream().filter(id -> !deleting.contains(id)).toList();
      List<String> done = new ArrayList<>();
      for (String id : deleting) {
        progress.set("deleting " + id + " (" + (done.size() + 1) + " of " + deleting.size() + ")");
        done.add(now.engine().deleteBackup(step, id));
      }
      return new StepResult(Steps.APPLY_RETENTION, started, System.currentTimeMillis(),
          "deleted " + deleting.size() + " backup(s): " + String.join("; ", done)
              + (spared.isEmpty() ? "" : "; kept " + spared + ", which the plan would have"
                  + " deleted but the policy keeps now (a backup was taken or lost since)"));
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(Steps.APPLY_RETENTION, e);
    }
  }

  private record Decided(Engine engine, RetentionReport report) {}

  private Decided report(HostStep step, RetentionInput input) {
    Engine engine = engines.of(step.instance());
    RetentionConfig config = step.instance().retention();
    RetentionPolicy policy;
    ZoneId zone;
    try {
      policy = config.policy(input.daily(), input.weekly(), input.monthly(), input.full());
      zone = config.zone();
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, e.getMessage());
    }
    InstanceCatalog catalog = engine.catalog(step);
    Map<String, CatalogBackup> byId = catalog.backups().stream()
        .collect(Collectors.toMap(CatalogBackup::id, Function.identity()));
    List<BackupFacts> facts = CatalogFacts.of(catalog);
    RetentionPlan plan = Retention.plan(facts, policy, zone);
    List<RetentionVerdict> verdicts = new ArrayList<>(plan.decisions().stream().map(d ->
        new RetentionVerdict(d.id(), byId.get(d.id()).type(), byId.get(d.id()).endTime(),
            d.keep(), d.reasons())).toList());
    catalog.backups().stream().filter(CatalogFacts::isApart).forEach(b -> verdicts.add(
        new RetentionVerdict(b.id(), b.type(), b.endTime(), true, List.of("kept apart in dir "
            + b.dir() + ": retention covers the default place only"))));
    String described = "daily " + policy.daily() + ", weekly " + policy.weekly() + ", monthly "
        + policy.monthly() + ", full " + policy.full() + " (days in " + zone + ")";
    return new Decided(engine, new RetentionReport(step.instanceName(), engine.name(), described,
        verdicts, plan.toDeleteIds()));
  }
}
