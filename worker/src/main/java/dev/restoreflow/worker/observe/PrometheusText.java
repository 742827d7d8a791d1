package dev.restoreflow.worker.observe;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format 0.0.4: per metric family one {@code # HELP} and
 * one {@code # TYPE} line, then its samples, label values escaped. Names that are not valid
 * metric or label names are refused (an invalid name would make a scraper drop the whole page).
 */
public final class PrometheusText {

  /** What {@code /metrics} answers with. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern NOT_NAME_CHARACTER = Pattern.compile("[^a-zA-Z0-9_:]");

  private final StringBuilder out = new StringBuilder();
  private final Set<String> families = new HashSet<>();

  /** Starts a family; each name once per page. */
  public PrometheusText family(String name, String type, String help) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Prometheus metric name: " + name);
    }
    if (!families.add(name)) {
      throw new IllegalArgumentException("metric family " + name + " written twice");
    }
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** Whether a family of this name is on the page already. */
  public boolean has(String name) {
    return families.contains(name);
  }

  /** One sample; labels are written sorted by name. */
  public PrometheusText sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    writeLabels(new TreeMap<>(labels), null);
    out.append(' ').append(number(value)).append('\n');
    return this;
  }

  /** A histogram's {@code _bucket} series (cumulative, ending with le="+Inf"), {@code _sum}, {@code _count}. */
  public PrometheusText histogram(String name, Map<String, String> labels, Histogram histogram) {
    TreeMap<String, String> sorted = new TreeMap<>(labels);
    long[] cumulative = histogram.cumulativeCounts();
    double[] bounds = histogram.upperBounds();
    for (int i = 0; i <= bounds.length; i++) {
      out.append(name).append("_bucket");
      writeLabels(sorted, i < bounds.length ? number(bounds[i]) : "+Inf");
      out.append(' ').append(cumulative[i]).append('\n');
    }
    if (histogram.hasSum()) {
      out.append(name).append("_sum");
      writeLabels(sorted, null);
      out.append(' ').append(number(histogram.sum())).append('\n');
    }
    out.append(name).append("_count");
    writeLabels(sorted, null);
    out.append(' ').append(histogram.count()).append('\n');
    return this;
  }

  public String text() {
    return out.toString();
  }

  /** {@code raw} made into a valid metric name (other characters become '_'). */
  public static String metricName(String raw) {
    String name = NOT_NAME_CHARACTER.matcher(raw).replaceAll("_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** {@code raw} made into a valid label name. */
  public static String labelName(String raw) {
    String name = metricName(raw).replace(':', '_');
    return name.startsWith("__") ? "x" + name : name;
  }

  private void writeLabels(Map<String, String> labels, String le) {
    if (labels.isEmpty() && le == null) {
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!LABEL_NAME.matcher(label.getKey()).matches() || label.getKey().startsWith("__")
          || label.getKey().equals("le") && le != null) {
        throw new IllegalArgumentException("not a label name here: " + label.getKey());
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(label.getKey()).append("=\"").append(escapeLabelValue(label.getValue()))
          .append('"');
    }
    if (le != null) {
      out.append(first ? "" : ",").append("le=\"").append(le).append('"');
    }
    out.append('}');
  }

  static String escapeLabelValue(String value) {
    String text = value == null ? "" : value;
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** Go's float forms: integers without a fraction, +Inf, -Inf, NaN. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
