package dev.restoreflow.worker;

import dev.restoreflow.client.Submission;
import java.io.OutputStream;
import java.io.PrintStream;

/** How the CLI tells a person where a submitted job stands. */
final class Submissions {

  private Submissions() {}

  static String position(Submission job) {
    return job.queuePosition() == 0 ? "running" : job.queuePosition() > 0
        ? "queued, " + job.queuePosition() + " ahead" : "submitted";
  }

  static PrintStream nowhere() {
    return new PrintStream(OutputStream.nullOutputStream());
  }
}
