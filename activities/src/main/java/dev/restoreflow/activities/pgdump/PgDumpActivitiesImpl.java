package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.WordsAndBytes;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PgDumpRestore: see {@link DumpRestorer}, and {@link TableRestorer} for some tables. Safe to
 * run again: the database it builds has one name, dropped and built anew by a retry; the
 * instance's database is renamed only after the new one is proven; tables are replaced in one
 * transaction that commits only once they are proven. A clone or drill ({@code into} set) builds
 * the scratch database(s) instead and touches none of the instance's (see
 * {@link ScratchDatabases}).
 */
public class PgDumpActivitiesImpl implements PgDumpActivities {

  private final HostServices services;

  public PgDumpActivitiesImpl(HostServices services) {
    this.services = services;
  }

  @Override
  public StepResult pgDumpRestore(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    AtomicReference<String> untouched = new AtomicReference<>(input.tables() == null
        ? "the instance's database was not replaced"
        : "the live database's tables were not changed");
    try (HostStep step = HostStep.open(services, input.step());
        DumpRepository repository = PgDumpEngine.repository(step)) {
      String id = PgDumpEngine.checkedId(input.backupId());
      DumpMeta meta = repository.backup(id).orElseThrow(() -> Failures.of(
          FailureType.BACKUP_NOT_FOUND, "backup " + id + " is no longer in "
              + repository.store().describe() + " (deleted since the plan?)"));
      AtomicReference<String> progress = new AtomicReference<>("starting");
      DumpFetches fetches = new DumpFetches();
      String detail;
      try (Heartbeats beats = Heartbeats.start(() -> WordsAndBytes.of(progress.get(),
          fetches.done(), fetches.total()))) {
        try {
          DatabaseClient client = DatabaseClient.of(step);
          if (step.scratch() != null) {
            ScratchDatabases into = PgDumpEngine.scratchOf(step, input.tables());
            DumpRestorer restorer = new DumpRestorer(repository, client, step.instance(),
                Clock.systemUTC(), fetches);
            try {
              detail = restorer.restoreInto(meta, into, progress::set);
            } finally {
              untouched.set(restorer.untouched());
            }
          } else if (input.tables() == null) {
            DumpRestorer restorer = new DumpRestorer(repository, client, step.instance(),
                Clock.systemUTC(), fetches);
            try {
              detail = restorer.restore(meta, progress::set);
            } finally {
              untouched.set(restorer.untouched());
            }
          } else {
            // checked again: the step's input is anyone's JSON
            List<TableState> chosen = PgDumpEngine.chosenTables(meta, input.tables());
            detail = new TableRestorer(repository, client, step.instance(), Clock.systemUTC(),
                fetches)
                .restore(meta, chosen, progress::set);
          }
        } catch (Exception e) {
          // cancelled meanwhile: the attempt ends as cancelled, not as a failure to retry
          beats.rethrowIfStopped();
          throw e;
        }
      }
      return new StepResult(RESTORE_STEP, started, System.currentTimeMillis(), detail);
    } catch (ScratchDatabases.NotOursException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, RESTORE_STEP + ": " + e.getMessage()
          + "; nothing was changed");
    } catch (LiveTables.InTheWayException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, RESTORE_STEP + ": " + e.getMessage()
          + "; nothing was changed");
    } catch (DumpRestorer.CorruptDumpException e) {
      throw Failures.of(FailureType.OBJECT_CORRUPT, RESTORE_STEP + ": " + e.getMessage()
          + "; " + untouched.get());
    } catch (DumpRestorer.RestoreMismatchException e) {
      // the dumps and their meta.json disagree: a retry would rebuild the same database
      throw Failures.notRetried(FailureType.VERIFY_FAILED, RESTORE_STEP + ": " + e.getMessage()
          + "; " + untouched.get());
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": " + e.getMessage()
          + "; " + untouched.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": interrupted");
    }
  }
}
