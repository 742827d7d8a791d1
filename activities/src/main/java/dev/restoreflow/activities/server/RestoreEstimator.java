package dev.restoreflow.activities.server;

import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.ledger.StepRow;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.model.RestoreEstimate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The RTO estimate of a restore, from the ledger's past restores and drills that succeeded with a
 * measured time: this instance's, else those of its engine on other instances.
 *
 * <p>The model: {@code seconds = start/stop + dataBytes / rate}. A past restore's time splits, by
 * its steps in the ledger, into the steps that move data (WipeData, FetchS3, the engine's restore
 * step, ...), which grow with the bytes, and the rest (StopCluster, StartCluster, Promote,
 * VerifyCluster, and the waits between steps), which do not. The estimate takes the median rate
 * and the median fixed part of the past runs, so a tiny test cluster's estimate is mostly its
 * start and stop, and a big one's mostly its bytes, each as measured. A past run without step
 * times counts as all data.
 */
public final class RestoreEstimator {

  /** How many past runs an estimate looks at, newest first. */
  static final int RUNS = 10;

  /** Steps whose time does not grow with the data restored, or that lie outside restoreMillis. */
  private static final Set<String> FIXED = Set.of(Steps.PLAN, Steps.STOP, Steps.START,
      Steps.PROMOTE, Steps.VERIFY, Steps.PROVE, Steps.REMOVE_SCRATCH);

  private final JobLedger ledger;

  public RestoreEstimator(JobLedger ledger) {
    this.ledger = ledger;
  }

  /** One past run: its size, its measured time, and the part of it that moved data. */
  record PastRun(String instance, long dataBytes, long restoreMillis, long dataMillis,
      boolean drill) {}

  public RestoreEstimate estimate(String instance, String engine, long dataBytes) {
    List<PastRun> own = runs(ledger.measuredRestores(instance, null, RUNS));
    if (!own.isEmpty()) {
      return estimate(own, dataBytes, "of " + instance);
    }
    List<PastRun> others = engine == null ? List.of()
        : runs(ledger.measuredRestores(null, engine, RUNS));
    if (others.isEmpty()) {
      return RestoreEstimate.noHistory();
    }
    List<String> names = others.stream().map(PastRun::instance).distinct().sorted().toList();
    return estimate(others, dataBytes, "of engine " + engine + " on " + String.join(", ", names)
        + " (none of " + instance + " yet)");
  }

  private List<PastRun> runs(List<JobRow> rows) {
    List<PastRun> runs = new ArrayList<>();
    for (JobRow row : rows) {
      runs.add(run(row, ledger.steps(row.jobId())));
    }
    return runs;
  }

  static PastRun run(JobRow row, List<StepRow> steps) {
    long total = row.restoreMillis();
    long data = 0;
    boolean timed = false;
    for (StepRow step : steps) {
      if (step.startedAt() > 0 && step.endedAt() >= step.startedAt()) {
        timed = true;
        if (!FIXED.contains(step.step())) {
          data += step.endedAt() - step.startedAt();
        }
      }
    }
    return new PastRun(row.instance(), row.dataBytes(), total,
        timed ? Math.min(data, total) : total, Boolean.TRUE.equals(row.drill()));
  }

  /**
   * @param whose for the basis, e.g. "of main1"
   */
  static RestoreEstimate estimate(List<PastRun> runs, long dataBytes, String whose) {
    double fixedMillis = median(runs.stream()
        .map(r -> (double) (r.restoreMillis() - r.dataMillis())).toList());
    List<Double> millisPerByte = runs.stream().filter(r -> r.dataBytes() > 0)
        .map(r -> (double) r.dataMillis() / r.dataBytes()).toList();
    double perByte = millisPerByte.isEmpty() ? 0 : median(millisPerByte);
    double millis = fixedMillis + perByte * Math.max(0, dataBytes);
    long seconds = Math.max(1, Math.round(millis / 1000));
    String rate = perByte > 0 ? rate(1000 / perByte) : "data steps too quick to measure";
    long drills = runs.stream().filter(PastRun::drill).count();
    String kinds = drills == 0 ? (runs.size() == 1 ? "restore" : "restores")
        : drills == runs.size() ? (runs.size() == 1 ? "drill" : "drills")
        : "restores and drills";
    String basis = String.format(Locale.ROOT, "median of %d %s %s: %s + %.1f s start/stop",
        runs.size(), kinds, whose, rate, fixedMillis / 1000);
    return new RestoreEstimate(seconds, basis);
  }

  /** Bytes per second for people: "41.2 MiB/s", "812.0 KiB/s". */
  static String rate(double bytesPerSecond) {
    String[] units = {"B/s", "KiB/s", "MiB/s", "GiB/s"};
    double value = bytesPerSecond;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
