package dev.restoreflow.activities.mysqltables;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MysqlTablesRestore (see {@link TableLoader}) and VerifyTables. Safe to run again: the scratch
 * tables are dropped and loaded anew; the live ones change only in the one RENAME statement. A
 * clone or drill ({@code into} set) loads into its scratch database and leaves the live tables
 * alone (see {@link ScratchSchema}).
 */
public class MysqlTablesActivitiesImpl implements MysqlTablesActivities {

  private final HostServices services;

  public MysqlTablesActivitiesImpl(HostServices services) {
    this.services = services;
  }

  @Override
  public StepResult mysqlTablesRestore(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    AtomicReference<String> progress = new AtomicReference<>("starting");
    List<String> tables = new ArrayList<>();
    TableLoader loader = null;
    AtomicReference<TableLoader> loading = new AtomicReference<>();
    try (HostStep step = HostStep.open(services, input.step());
        Connection connection = Connection.open(step);
        Heartbeats beats = Heartbeats.start(() -> loading.get() == null
            ? WordsAndBytes.words(progress.get())
            : WordsAndBytes.of(progress.get(), loading.get().bytesDone(),
                loading.get().bytesTotal()))) {
      String archive = MysqlTablesEngine.checkedId(input.backupId());
      if (!connection.archives.exists(archive)) {
        throw Failures.of(FailureType.BACKUP_NOT_FOUND, "archive " + archive + " is no longer"
            + " in " + connection.archives.dir() + "; the live tables were not changed");
      }
      Manifest manifest = MysqlTablesEngine.manifest(connection.archives, archive);
      // checked again: the step's input is anyone's JSON
      tables.addAll(MysqlTablesEngine.chosenTables(manifest, archive, input.tables()));
      loader = new TableLoader(connection.config, connection.options, connection.archives,
          Clock.systemUTC());
      loading.set(loader);
      try {
        String detail = step.scratch() != null
            ? loader.restoreInto(archive, manifest, tables,
                MysqlTablesEngine.scratchOf(step, connection.config), progress::set)
            : loader.restore(archive, manifest, tables, progress::set);
        return new StepResult(RESTORE_STEP, started, System.currentTimeMillis(), detail);
      } catch (IOException | RuntimeException e) {
        beats.rethrowIfStopped();
        throw e;
      }
    } catch (ScratchSchema.NotOursException e) {
      throw Failures.of(FailureType.INVALID_REQUEST, RESTORE_STEP + ": " + e.getMessage()
          + "; nothing was changed");
    } catch (ArchiveDirectory.DamagedArchiveException e) {
      throw Failures.of(FailureType.OBJECT_CORRUPT, RESTORE_STEP + ": " + e.getMessage() + "; "
          + state(loader, tables));
    } catch (TableLoader.ForeignKeysException e) {
      throw Failures.of(FailureType.NOT_SUPPORTED, RESTORE_STEP + ": " + e.getMessage() + "; "
          + state(loader, tables));
    } catch (TableLoader.MismatchException e) {
      throw Failures.of(FailureType.VERIFY_FAILED, RESTORE_STEP + ": " + e.getMessage() + "; "
          + state(loader, tables));
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": " + e.getMessage() + "; "
          + state(loader, tables));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, RESTORE_STEP + ": interrupted; "
          + state(loader, tables));
    }
  }

  private static String state(TableLoader loader, List<String> tables) {
    return loader == null ? "the live tables were not changed" : loader.state(tables);
  }

  /**
   * The live tables' rows and checksums now (a clone's or drill's: the scratch database's),
   * against the manifest.
   */
  @Override
  public StepResult verifyTables(EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    AtomicReference<String> progress = new AtomicReference<>("starting");
    try (HostStep step = HostStep.open(services, input.step());
        Connection connection = Connection.open(step);
        Heartbeats beats = Heartbeats.start(progress::get)) {
      String archive = MysqlTablesEngine.checkedId(input.backupId());
      Manifest manifest = MysqlTablesEngine.manifest(connection.archives, archive);
      List<String> tables = MysqlTablesEngine.chosenTables(manifest, archive, input.tables());
      String database = step.scratch() == null ? connection.config.database()
          : MysqlTablesEngine.scratchOf(step, connection.config).name();
      long rows = 0;
      try (SqlSession session = connection.session()) {
        for (String table : tables) {
          progress.set("checking table " + table);
          TableChecksum.Counted live = LiveTables.count(session, database, table);
          Manifest.TableFacts expected = manifest.table(table).orElseThrow();
          if (live.rows() != expected.rows() || !live.checksum().equals(expected.checksum())) {
            throw Failures.of(FailureType.VERIFY_FAILED, "table " + table + " has " + live.rows()
                + " rows, " + live.checksum() + "; archive " + archive + "'s manifest says "
                + expected.rows() + " rows, " + expected.checksum() + " (written to since the"
                + " restore?)");
          }
          rows += live.rows();
        }
      }
      return new StepResult(VERIFY_STEP, started, System.currentTimeMillis(), "verified "
          + tables.size() + " table(s) " + String.join(", ", tables) + (step.scratch() == null
              ? "" : " in scratch database " + database) + ": " + rows
          + " rows, checksums as in the manifest of " + archive);
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, VERIFY_STEP + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, VERIFY_STEP + ": interrupted");
    }
  }
}
