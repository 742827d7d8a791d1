package dev.restoreflow.activities.exec;

/** Sees each output line as it arrives, e.g. to heartbeat progress. */
@FunctionalInterface
public interface OutputListener {

  OutputListener NONE = (stream, line) -> { };

  void onLine(Stream stream, String line);

  enum Stream { STDOUT, STDERR }
}
