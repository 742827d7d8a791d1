package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PgDumpRestore: see {@link DumpRestorer}. Safe to run again: the database it builds has one
 * name, dropped and built anew by a retry; the instance's database is renamed only after the new
 * one is proven.
 */
public class PgDumpActivitiesImpl implements PgDumpActivities {

  private final HostServices services;

  public PgDumpActivitiesImpl(HostServices services) {
    this.services = services;
  }

  @Override
  public StepResult pgDumpRestore(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    try (HostStep step = HostStep.open(services, input.step());
        DumpRepository repository = PgDumpEngine.repository(step)) {
      String id = PgDumpEngine.checkedId(input.backupId());
      DumpMeta meta = repository.backup(id).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_FOUND, "backup " + id + " is no longer in "
              + repository.store().describe() + " (deleted since the plan?)"));
      AtomicReference<String> progress = new AtomicReference<>("starting");
      String detail;
      try (Heartbeats beats = Heartbeats.start(progress::get)) {
        detail = new DumpRestorer(repository, DatabaseClient.of(step),
            step.instance(), Clock.systemUTC()).restore(meta, progress::set);
      }
      return new StepResult(RESTORE_STEP, started, System.currentTimeMillis(), detail);
    } catch (DumpRestorer.CorruptDumpException e) {
      throw Failures.of(FailureType.OBJECT_CORRUPT, RESTORE_STEP + ": " + e.getMessage()
          + "; the instance's database was not replaced");
    } catch (DumpRestorer.RestoreMismatchException e) {
      throw Failures.of(FailureType.VERIFY_FAILED, RESTORE_STEP + ": " + e.getMessage()
          + "; the instance's database was not replaced");
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": " + e.getMessage()
          + "; the instance's database was not replaced");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": interrupted");
    }
  }
}
