package dev.restoreflow.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The table a chaos run prints: one row per job, then the kill points and the verdict. */
final class ChaosReport {

  /**
   * One job of the run.
   *
   * @param killed what was SIGKILLed, e.g. "worker+server"
   * @param stepAtKill the job's step when the kill came (or "queued", "between steps")
   * @param killedAfterSeconds from the submission to the kill
   * @param postgresAtKill whether PostgreSQL ran on the instance's data directory at the kill
   * @param restarts when each killed process was started again, after the kill
   * @param attempts per step in the job's order: the attempt each run ended on, "-" = skipped
   * @param outcome the job's final state (with its message when it did not succeed)
   * @param data "verified" when the data equals the backup's, else what differs
   * @param problems what makes this job fail the run (empty = none)
   */
  record Row(int number, ChaosJobKind kind, String killed, String stepAtKill,
      double killedAfterSeconds, String postgresAtKill, String restarts, String attempts, String outcome,
      double tookSeconds, String data, List<String> problems) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<String> runProblems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  synchronized void add(Row row) {
    rows.add(row);
  }

  /** A failure of the run that belongs to no job (e.g. the watcher's). */
  synchronized void problem(String problem) {
    runProblems.add(problem);
  }

  synchronized void note(String note) {
    notes.add(note);
  }

  synchronized boolean passed() {
    return runProblems.isEmpty() && rows.stream().allMatch(r -> r.problems().isEmpty());
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  static String header() {
    return String.format("%3s  %-15s  %-22s  %-16s  %6s  %-4s  %-22s  %-15s  %-9s  %6s  %s",
        "#", "job", "killed", "step at kill", "at s", "pg", "restarted after s", "attempts",
        "outcome", "took s", "data");
  }

  static String line(Row r) {
    return String.format("%3d  %-15s  %-22s  %-16s  %6.1f  %-4s  %-22s  %-15s  %-9s  %6.1f  %s",
        r.number(), r.kind().label, r.killed(), r.stepAtKill(), r.killedAfterSeconds(),
        r.postgresAtKill(), r.restarts(), r.attempts(), r.outcome(), r.tookSeconds(), r.data());
  }

  synchronized String render() {
    StringBuilder out = new StringBuilder();
    out.append(header()).append('\n');
    rows.forEach(r -> out.append(line(r)).append('\n'));
    out.append("\nattempts: the attempt each step ended on, in the job's order (- = skipped):\n");
    out.append("  restores: PlanRestore StopCluster WipeData <ProbackupRestore|FetchS3>"
        + " StartCluster Promote VerifyCluster\n");
    out.append("  backups:  PlanBackup TakeBackup VerifyBackup\n");
    out.append("pg: PostgreSQL running on the job's data directory at the kill (checked against the"
        + " step and the unfinished-restore marker)\n");
    out.append("\nkill points by step:\n");
    Map<String, Integer> byStep = new TreeMap<>();
    rows.forEach(r -> byStep.merge(r.stepAtKill(), 1, Integer::sum));
    byStep.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> out.append(String.format("  %-16s %3d  %s%n", e.getKey(), e.getValue(),
            "#".repeat(e.getValue()))));
    out.append("\nkill points by job and step:\n");
    Map<String, Map<String, Integer>> byKind = new LinkedHashMap<>();
    for (ChaosJobKind kind : ChaosJobKind.values()) {
      rows.stream().filter(r -> r.kind() == kind).forEach(r -> byKind
          .computeIfAbsent(kind.label, k -> new TreeMap<>()).merge(r.stepAtKill(), 1, Integer::sum));
    }
    byKind.forEach((kind, steps) -> out.append(String.format("  %-15s %s%n", kind, steps)));
    notes.forEach(n -> out.append(n).append('\n'));
    List<String> problems = new ArrayList<>(runProblems);
    rows.forEach(r -> r.problems().forEach(p -> problems.add("job " + r.number() + ": " + p)));
    long succeeded = rows.stream().filter(r -> r.outcome().equals("SUCCEEDED")).count();
    long verified = rows.stream().filter(r -> r.data().startsWith("verified")).count();
    out.append(String.format("%n%d jobs: %d SUCCEEDED, %d with the data verified; %s%n",
        rows.size(), succeeded, verified, problems.isEmpty() ? "PASS"
            : "FAIL (" + problems.size() + " problems):"));
    problems.forEach(p -> out.append("  - ").append(p).append('\n'));
    return out.toString();
  }
}
