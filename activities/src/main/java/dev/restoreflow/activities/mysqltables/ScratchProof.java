package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.EngineRestoreInput;
import dev.restoreflow.workflows.model.StepResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ProveRestore of a mysqltables clone or drill: each restored table of the scratch database
 * passes {@code CHECK TABLE ... EXTENDED} and has the rows and checksum of the archive's
 * manifest.
 */
final class ScratchProof {

  private ScratchProof() {}

  static StepResult prove(HostStep step, EngineRestoreInput input) {
    long started = System.currentTimeMillis();
    MysqlTablesConfig config = step.instance().settings(MysqlTablesConfig.class);
    ScratchSchema into = MysqlTablesEngine.proofTarget(step, config);
    AtomicReference<String> progress = new AtomicReference<>("starting");
    try (Connection connection = Connection.open(step);
        Heartbeats beats = Heartbeats.start(progress::get)) {
      String archive = MysqlTablesEngine.checkedId(input.backupId());
      Manifest manifest = MysqlTablesEngine.manifest(connection.archives, archive);
      List<String> tables = MysqlTablesEngine.chosenTables(manifest, archive, input.tables());
      long rows = 0;
      try (SqlSession session = MysqlTablesEngine.session(connection)) {
        if (into.state(session) != ScratchSchema.State.OURS) {
          throw new DamagedException("scratch database " + into.name() + " does not exist (or"
              + " is not restoreflow's): nothing to prove; restore " + archive + " into it"
              + " first");
        }
        for (String table : tables) {
          progress.set("CHECK TABLE " + table + " EXTENDED in " + into.name());
          String problem = checkTable(session, into, table);
          if (problem != null) {
            throw new DamagedException("CHECK TABLE " + into.name() + "." + table
                + " EXTENDED: " + problem);
          }
          progress.set("rows and checksum of " + table + " in " + into.name());
          TableChecksum.Counted counted = LiveTables.count(session, into.name(), table);
          Manifest.TableFacts expected = manifest.table(table).orElseThrow();
          if (counted.rows() != expected.rows()
              || !counted.checksum().equals(expected.checksum())) {
            throw new DamagedException("table " + table + " in scratch database " + into.name()
                + " has " + counted.rows() + " rows, " + counted.checksum() + "; archive "
                + archive + "'s manifest says " + expected.rows() + " rows, "
                + expected.checksum());
          }
          rows += counted.rows();
        }
      } catch (IOException | RuntimeException e) {
        beats.rethrowIfStopped();
        throw e;
      }
      return new StepResult(Steps.PROVE, started, System.currentTimeMillis(), "proved archive "
          + archive + " in scratch database " + into.name() + ": " + tables.size()
          + " table(s) " + String.join(", ", tables) + " pass CHECK TABLE EXTENDED and hold the "
          + rows + " rows and checksums of the manifest");
    } catch (DamagedException e) {
      throw Failures.notRetried(FailureType.VERIFY_FAILED, Steps.PROVE + ": " + e.getMessage());
    } catch (IOException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.PROVE + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, Steps.PROVE + ": interrupted");
    }
  }

  /** What CHECK TABLE found wrong with the table; null when it is sound. */
  static String checkTable(SqlSession session, ScratchSchema into, String table)
      throws IOException {
    return verdict(session.query("CHECK TABLE " + into.quoted() + "." + TableNames.quoted(table)
        + " EXTENDED", LiveTables.SCAN));
  }

  /**
   * CHECK TABLE's rows ({@code Table, Op, Msg_type, Msg_text}): any error, or a status other
   * than OK, is a problem (said with every message of the answer); notes and warnings are not.
   */
  static String verdict(List<String> rows) {
    List<String> said = new ArrayList<>();
    boolean bad = rows.isEmpty();
    for (String row : rows) {
      String[] f = row.split("\t", 4);
      if (f.length < 4) {
        said.add(LiveTables.unescaped(row));
        bad = true;
        continue;
      }
      String type = f[2];
      String text = LiveTables.unescaped(f[3]);
      said.add(type + ": " + text);
      if (type.equalsIgnoreCase("error") || type.equalsIgnoreCase("status")
          && !text.equalsIgnoreCase("OK") && !text.equalsIgnoreCase("Table is already up to date")) {
        bad = true;
      }
    }
    return bad ? (said.isEmpty() ? "no answer" : String.join("; ", said)) : null;
  }

  /** The scratch database is not what the archive holds: a retry proves the same. */
  static final class DamagedException extends IOException {
    DamagedException(String message) {
      super(message);
    }
  }
}
