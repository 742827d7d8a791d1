package dev.restoreflow.worker.observe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
 * description (not from {@link PrometheusText}): HELP and TYPE once per family and before its
 * samples, a family's samples together, valid metric and label names, escaped label values, Go
 * float values, no series twice, and histograms whose buckets are cumulative, sorted, end with
 * le="+Inf" and equal {@code _count}. Any violation throws, naming the line.
 */
public final class PrometheusTextParser {

  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, String help, List<Sample> samples) {}

  /** A parsed page: its families by name. */
  public record Page(Map<String, Family> families) {

    public Family family(String name) {
      Family family = families.get(name);
      if (family == null) {
        throw new AssertionError("no metric family " + name + "; have " + families.keySet());
      }
      return family;
    }

    /** The value of the one sample {@code name} whose labels include {@code labels}. */
    public Optional<Double> value(String name, Map<String, String> labels) {
      List<Sample> matches = samples(name, labels);
      if (matches.size() > 1) {
        throw new AssertionError(matches.size() + " samples " + name + " match " + labels);
      }
      return matches.stream().map(Sample::value).findFirst();
    }

    public List<Sample> samples(String name, Map<String, String> labels) {
      List<Sample> matches = new ArrayList<>();
      for (Family family : families.values()) {
        for (Sample sample : family.samples()) {
          if (sample.name().equals(name)
              && sample.labels().entrySet().containsAll(labels.entrySet())) {
            matches.add(sample);
          }
        }
      }
      return matches;
    }
  }

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) (\\S+) ?(.*)");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusTextParser() {}

  public static Page parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the page must end with a newline");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Set<String> finished = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    int lineNumber = 0;
    for (String line : text.split("\n", -1)) {
      lineNumber++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + lineNumber + ": " + line;
      if (line.startsWith("#")) {
        Matcher m = COMMENT.matcher(line);
        if (!m.matches()) {
          continue; // other comments are allowed
        }
        String name = m.group(2);
        check(METRIC_NAME.matcher(name).matches(), "bad metric name", where);
        check(!finished.contains(name), "HELP/TYPE of a family whose group has ended", where);
        if (current != null && !current.equals(name)) {
          finished.add(current);
        }
        current = name;
        Family known = families.get(name);
        check(known == null || known.samples().isEmpty(), "HELP/TYPE after samples", where);
        if (m.group(1).equals("HELP")) {
          check(!helps.containsKey(name), "HELP twice", where);
          helps.put(name, unescapeHelp(m.group(3), where));
          if (known != null) {
            families.put(name, new Family(name, known.type(), helps.get(name), known.samples()));
          }
        } else {
          check(TYPES.contains(m.group(3)), "unknown type " + m.group(3), where);
          check(known == null, "TYPE twice", where);
          families.put(name, new Family(name, m.group(3), helps.get(name), new ArrayList<>()));
        }
        continue;
      }
      Sample sample = sample(line, where);
      String family = familyOf(sample.name(), families);
      check(family != null, "sample without a TYPE line before it", where);
      check(family.equals(current), "sample of family " + family + " outside its group", where);
      check(series.add(sample.name() + new TreeMap<>(sample.labels())), "series twice", where);
      families.get(family).samples().add(sample);
    }
    for (Family family : families.values()) {
      if (family.type().equals("histogram")) {
        checkHistogram(family);
      }
    }
    return new Page(families);
  }

  private static String familyOf(String sampleName, Map<String, Family> families) {
    if (families.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        Family family = families.get(base);
        if (family != null && (family.type().equals("histogram")
            || family.type().equals("summary") && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    check(METRIC_NAME.matcher(name).matches(), "bad metric name", where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        check(eq > i, "label without '='", where);
        String label = line.substring(i, eq);
        check(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"),
            "bad label name " + label, where);
        check(line.charAt(eq + 1) == '"', "label value not quoted", where);
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          check(j < line.length(), "unterminated label value", where);
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char next = line.charAt(j + 1);
            check(next == '\\' || next == '"' || next == 'n', "bad escape \\" + next, where);
            value.append(next == 'n' ? '\n' : next);
            j += 2;
          } else {
            check(c != '\n', "raw newline in a label value", where);
            value.append(c);
            j++;
          }
        }
        check(labels.put(label, value.toString()) == null, "label twice: " + label, where);
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else {
          check(line.charAt(i) == '}', "expected ',' or '}'", where);
        }
      }
      i++;
    }
    check(i < line.length() && line.charAt(i) == ' ', "expected a space before the value", where);
    String[] rest = line.substring(i + 1).split(" ");
    check(rest.length == 1 || rest.length == 2, "expected a value and an optional timestamp", where);
    return new Sample(name, labels, value(rest[0], where));
  }

  private static double value(String text, String where) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        check(text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?"), "bad value " + text,
            where);
        return Double.parseDouble(text);
    }
  }

  private static String unescapeHelp(String help, String where) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      if (c == '\\') {
        check(i + 1 < help.length(), "HELP ends with a lone backslash", where);
        char next = help.charAt(++i);
        check(next == '\\' || next == 'n', "bad escape in HELP", where);
        out.append(next == 'n' ? '\n' : '\\');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Per series (labels without le): sorted le, cumulative counts, +Inf last and = _count. */
  private static void checkHistogram(Family family) {
    Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
    for (Sample s : family.samples()) {
      Map<String, String> labels = new TreeMap<>(s.labels());
      if (s.name().endsWith("_bucket")) {
        String le = labels.remove("le");
        check(le != null, "bucket without le", family.name());
        buckets.computeIfAbsent(labels, l -> new ArrayList<>()).add(s);
      } else if (s.name().endsWith("_count")) {
        counts.put(labels, s.value());
      } else if (s.name().endsWith("_sum")) {
        sums.put(labels, s.value());
      } else {
        throw new AssertionError("histogram " + family.name() + " has sample " + s.name());
      }
    }
    check(buckets.keySet().equals(counts.keySet()), "buckets and _count of different series",
        family.name());
    buckets.forEach((labels, series) -> {
      double previousLe = Double.NEGATIVE_INFINITY;
      double previousCount = 0;
      for (Sample bucket : series) {
        double le = value(bucket.labels().get("le"), family.name());
        check(le > previousLe, "le not increasing", family.name() + labels);
        check(bucket.value() >= previousCount, "bucket counts not cumulative",
            family.name() + labels);
        previousLe = le;
        previousCount = bucket.value();
      }
      check(previousLe == Double.POSITIVE_INFINITY, "no le=\"+Inf\" bucket last",
          family.name() + labels);
      check(previousCount == counts.get(labels), "+Inf bucket differs from _count",
          family.name() + labels);
      Double sum = sums.get(labels);
      check(sum == null || sum >= 0 || previousCount == 0, "negative _sum", family.name());
    });
  }

  private static void check(boolean ok, String what, String where) {
    if (!ok) {
      throw new AssertionError(what + " (" + where + ")");
    }
  }
}
