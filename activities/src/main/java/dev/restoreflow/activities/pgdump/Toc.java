package dev.restoreflow.activities.pgdump;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An archive's table of contents as {@code pg_restore -l -v} writes it, with each entry's
 * dependencies, and the entries that make some tables whole: what a selective restore of them
 * restores, and nothing of the tables around them.
 */
final class Toc {

  /** The entry types a table's own objects have: never a view, a function, another table. */
  private static final List<String> OWN_TYPES = List.of("SEQUENCE OWNED BY", "SEQUENCE SET",
      "SEQUENCE", "TABLE DATA", "DEFAULT", "FK CONSTRAINT", "CHECK CONSTRAINT", "CONSTRAINT",
      "INDEX", "TRIGGER", "RULE", "POLICY", "ROW SECURITY", "STATISTICS", "COMMENT", "ACL",
      "SECURITY LABEL");
  /** Types whose tag starts with the name of the table they belong to: "orders orders_pkey". */
  private static final Set<String> TAGGED_BY_TABLE = Set.of("DEFAULT", "FK CONSTRAINT",
      "CHECK CONSTRAINT", "CONSTRAINT", "TRIGGER", "RULE", "POLICY", "ROW SECURITY");
  /** Types that start like one of the above and are not a table's own. */
  private static final List<String> OTHER_TYPES = List.of("TABLE ATTACH", "INDEX ATTACH");
  private static final Pattern ENTRY = Pattern.compile("^(\\d+); (\\d+) (\\d+) (.*)$");
  private static final Pattern DEPENDS = Pattern.compile("^;\\s+depends on:((?: \\d+)*)\\s*$");

  /**
   * One entry.
   *
   * @param line the entry's line as pg_restore wrote it (what a list file names)
   * @param type its type, when it is one a table's objects have; null for any other
   * @param schema its schema ({@code -} for none); {@code rest} its tag and owner
   */
  record Entry(String line, int id, String type, String schema, String rest,
      List<Integer> dependsOn) {

    boolean isTable(String tableSchema, String table) {
      return "TABLE".equals(type) && schema.equals(tableSchema) && tagIs(table);
    }

    boolean isDataOf(String tableSchema, String table) {
      return "TABLE DATA".equals(type) && schema.equals(tableSchema) && tagIs(table);
    }

    /** The tag is {@code name} (then the owner, or nothing). */
    private boolean tagIs(String name) {
      return rest.equals(name) || rest.startsWith(name + " ");
    }
  }

  private final List<Entry> entries;

  private Toc(List<Entry> entries) {
    this.entries = entries;
  }

  static Toc parse(String listing) {
    List<Entry> entries = new ArrayList<>();
    for (String line : listing.split("\n")) {
      Matcher entry = ENTRY.matcher(line);
      Matcher depends = DEPENDS.matcher(line);
      if (entry.matches()) {
        String body = entry.group(4);
        boolean other = OTHER_TYPES.stream().anyMatch(t -> body.startsWith(t + " "));
        String type = other ? null : OWN_TYPES.stream().filter(t -> body.startsWith(t + " "))
            .findFirst().orElse(body.startsWith("TABLE ") ? "TABLE" : null);
        String afterType = type == null ? body : body.substring(type.length() + 1);
        int space = afterType.indexOf(' ');
        String schema = space < 0 ? afterType : afterType.substring(0, space);
        String rest = space < 0 ? "" : afterType.substring(space + 1);
        entries.add(new Entry(line, Integer.parseInt(entry.group(1)), type, schema, rest,
            new ArrayList<>()));
      } else if (depends.matches() && !entries.isEmpty()) {
        for (String id : depends.group(1).trim().split(" ")) {
          if (!id.isEmpty()) {
            entries.get(entries.size() - 1).dependsOn().add(Integer.parseInt(id));
          }
        }
      }
    }
    return new Toc(entries);
  }

  /**
   * The entries of these tables and of their own objects, in the archive's order: the tables,
   * their sequences, defaults, data, constraints (foreign keys included), indexes, triggers,
   * rules, policies, comments and grants, found by what depends on the tables. Views,
   * functions, other tables and their foreign keys that depend on them are not theirs.
   */
  List<String> closure(List<TableState> tables) {
    Set<Integer> chosen = new HashSet<>();
    for (TableState table : tables) {
      entries.stream().filter(e -> e.isTable(table.schema(), table.table()))
          .forEach(e -> chosen.add(e.id()));
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Entry entry : entries) {
        if (entry.type() == null || chosen.contains(entry.id())
            || entry.dependsOn().stream().noneMatch(chosen::contains)) {
          continue;
        }
        if (TAGGED_BY_TABLE.contains(entry.type()) && tables.stream().noneMatch(t ->
            entry.schema().equals(t.schema()) && entry.rest().startsWith(t.table() + " "))) {
          continue;   // another table's: a foreign key that references one of these
        }
        grew |= chosen.add(entry.id());
      }
    }
    List<String> lines = new ArrayList<>();
    entries.stream().filter(e -> chosen.contains(e.id())).forEach(e -> lines.add(e.line()));
    return lines;
  }

  /** The data entries of these tables, in the archive's order. */
  List<String> dataOf(List<TableState> tables) {
    Set<String> lines = new LinkedHashSet<>();
    for (Entry entry : entries) {
      if (tables.stream().anyMatch(t -> entry.isDataOf(t.schema(), t.table()))) {
        lines.add(entry.line());
      }
    }
    return new ArrayList<>(lines);
  }
}
