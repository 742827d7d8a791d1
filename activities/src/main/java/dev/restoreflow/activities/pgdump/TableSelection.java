package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.engine.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tables a selective restore names, found in the backup's metadata: each must be there
 * (unqualified: in exactly one schema), and no two may share a name, as their former versions
 * are kept side by side in one schema.
 */
final class TableSelection {

  private TableSelection() {}

  /** A table not in the backup, a name in several schemas, or two tables of one name. */
  static final class UnknownTableException extends IllegalArgumentException {
    UnknownTableException(String message) {
      super(message);
    }
  }

  /**
   * @param names as the request has them (checked again: workflow input is anyone's JSON)
   * @throws IllegalArgumentException for a name that is not of {@link TableName}'s form
   * @throws UnknownTableException see the class
   */
  static List<TableState> of(DumpMeta backup, List<String> names) {
    List<TableState> chosen = new ArrayList<>();
    for (TableName name : TableName.parseAll(names)) {
      List<TableState> found = backup.tables().stream()
          .filter(t -> t.table().equals(name.table())
              && (name.schema() == null || t.schema().equals(name.schema())))
          .toList();
      if (found.isEmpty()) {
        throw new UnknownTableException("table " + name + " is not in backup " + backup.id()
            + " (it has " + backup.tables().size() + " table(s): " + sample(backup) + "); names"
            + " are as PostgreSQL has them (case counts)");
      }
      if (found.size() > 1) {
        throw new UnknownTableException("table " + name + " is in several schemas of backup "
            + backup.id() + ": " + found.stream().map(t -> t.schema() + "." + t.table())
                .toList() + "; name it with its schema");
      }
      if (!chosen.contains(found.get(0))) {
        chosen.add(found.get(0));
      }
    }
    Map<String, List<String>> byName = chosen.stream().collect(Collectors.groupingBy(
        TableState::table, Collectors.mapping(t -> t.schema() + "." + t.table(),
            Collectors.toList())));
    byName.values().stream().filter(same -> same.size() > 1).findFirst().ifPresent(same -> {
      throw new UnknownTableException("tables " + same + " share a name: their former versions"
          + " would meet in one schema; restore them in two runs");
    });
    return chosen;
  }

  private static String sample(DumpMeta backup) {
    List<String> names = backup.tables().stream().map(t -> t.schema() + "." + t.table())
        .sorted().toList();
    return String.join(", ", names.subList(0, Math.min(10, names.size())))
        + (names.size() > 10 ? ", ..." : "");
  }
}
