package dev.restoreflow.worker;

import dev.restoreflow.workflows.model.CatalogBackup;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestoreTarget;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code restoreflow restore} with a person at the terminal: the backups to choose from, newest
 * first (unless the command named one), then the backup and what the restore overwrites, then a
 * confirmation that needs the instance's name typed. Starts nothing: it returns the backup
 * confirmed, or nothing when the person cancelled.
 */
final class RestoreConfirmation {

  /** The newest backups listed; an older one is chosen by typing its id. */
  static final int LISTED = 20;
  private static final int TRIES = 3;
  private static final String ROW = "  %3s  %-22s %-12s %-24s %10s  %s%n";

  private final Terminal terminal;
  private final PrintStream out;
  private final Style style;

  RestoreConfirmation(Terminal terminal) {
    this.terminal = terminal;
    this.out = terminal.out();
    this.style = terminal.style();
  }

  /**
   * @param backupId the backup the command named, or null to choose one
   * @param target what the restore overwrites, read when a backup has been chosen
   * @param steps the steps the restore will run
   * @throws IllegalArgumentException when there is nothing to restore or the named backup is not
   *     a good one of the instance
   */
  Optional<String> confirm(InstanceCatalog catalog, String backupId,
      Supplier<RestoreTarget> target, List<PlannedStep> steps) {
    List<CatalogBackup> newestFirst = goodBackupsNewestFirst(catalog);
    Optional<CatalogBackup> chosen = backupId != null ? Optional.of(named(catalog, newestFirst,
        backupId)) : choose(catalog, newestFirst);
    if (chosen.isEmpty()) {
      return cancelled();
    }
    describe(catalog, chosen.get(), target.get(), steps);
    String answer = terminal.ask("Type the instance name (" + catalog.instance()
        + ") to restore it; anything else cancels: ");
    if (!catalog.instance().equals(answer)) {
      return cancelled();
    }
    return Optional.of(chosen.get().id());
  }

  private static List<CatalogBackup> goodBackupsNewestFirst(InstanceCatalog catalog) {
    if (catalog.engine() == null) {
      throw new IllegalArgumentException("the backups of " + catalog.instance()
          + " could not be listed: " + catalog.note());
    }
    List<CatalogBackup> good = new ArrayList<>(catalog.backups().stream()
        .filter(b -> CatalogBackup.OK.equals(b.status())).toList());
    if (good.isEmpty()) {
      throw new IllegalArgumentException("instance " + catalog.instance() + " has no backup to"
          + " restore (restoreflow backups --instance " + catalog.instance() + " lists them)");
    }
    Collections.reverse(good);
    return good;
  }

  private static CatalogBackup named(InstanceCatalog catalog, List<CatalogBackup> good,
      String backupId) {
    return good.stream().filter(b -> b.id().equals(backupId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("backup " + backupId + " is not a good"
            + " backup of " + catalog.instance() + " (restoreflow backups --instance "
            + catalog.instance() + " lists them)"));
  }

  private Optional<CatalogBackup> choose(InstanceCatalog catalog, List<CatalogBackup> good) {
    List<CatalogBackup> listed = good.subList(0, Math.min(LISTED, good.size()));
    out.println(style.bold("Backups of " + catalog.instance() + " (" + catalog.engine()
        + "), newest first:"));
    out.printf(ROW, "#", "id", "type", "ended", "stored", "chain");
    for (int i = 0; i < listed.size(); i++) {
      CatalogBackup b = listed.get(i);
      out.printf(ROW, i + 1, b.id(), b.type(), toSecond(b.endTime()), Bytes.human(b.storedBytes()),
          String.join(" > ", b.chain()));
    }
    if (good.size() > listed.size()) {
      out.printf("  ... and %d older (type an id to choose one of them)%n",
          good.size() - listed.size());
    }
    for (int tries = 0; tries < TRIES; tries++) {
      String answer = terminal.ask("Backup to restore [1-" + listed.size()
          + " or an id; Enter = 1; q = quit]: ");
      if (answer == null || answer.equalsIgnoreCase("q") || answer.equalsIgnoreCase("quit")) {
        return Optional.empty();
      }
      Optional<CatalogBackup> picked = pick(answer, listed, good);
      if (picked.isPresent()) {
        return picked;
      }
      out.println(style.bad("'" + answer + "' is neither a number from 1 to " + listed.size()
          + " nor the id of a good backup of " + catalog.instance()));
    }
    return Optional.empty();
  }

  private static Optional<CatalogBackup> pick(String answer, List<CatalogBackup> listed,
      List<CatalogBackup> good) {
    if (answer.isEmpty()) {
      return Optional.of(listed.get(0));
    }
    if (answer.matches("[0-9]{1,4}")) {
      int number = Integer.parseInt(answer);
      return number >= 1 && number <= listed.size() ? Optional.of(listed.get(number - 1))
          : Optional.empty();
    }
    return good.stream().filter(b -> b.id().equals(answer)).findFirst();
  }

  private void describe(InstanceCatalog catalog, CatalogBackup backup, RestoreTarget target,
      List<PlannedStep> steps) {
    out.println();
    out.println(style.bold("Restore " + catalog.instance() + " from backup " + backup.id()));
    out.printf("  %-9s %s, taken %s .. %s%n", "backup", backup.type(),
        toSecond(backup.startTime()), toSecond(backup.endTime()));
    out.printf("  %-9s %s stored%s%n", "size", Bytes.human(backup.storedBytes()),
        backup.dataBytes() > 0 ? ", " + Bytes.human(backup.dataBytes()) + " of data" : "");
    out.printf("  %-9s %s%n", "chain", String.join(" > ", backup.chain()));
    out.printf("  %-9s host %s: %s%n", "target", target.host(), style.warn(target.where()));
    out.printf("  %-9s %s%n", "now", now(target));
    if (steps != null) {
      out.printf("  %-9s %s%n", "steps", steps.stream().filter(PlannedStep::runs)
        .map(PlannedStep::name).collect(Collectors.joining(" > ")));
    }
    out.println();
  }

  private String now(RestoreTarget target) {
    List<String> facts = new ArrayList<>();
    facts.add(target.running() ? "PostgreSQL running" : "PostgreSQL not answering");
    if (target.sizeBytes() != RestoreTarget.UNKNOWN_SIZE) {
      facts.add(Bytes.human(target.sizeBytes()));
    }
    if (target.connections() > 0) {
      facts.add(style.warn(target.connections() + " open session"
          + (target.connections() == 1 ? "" : "s") + ", ended by the restore"));
    } else if (target.connections() == 0) {
      facts.add("no open sessions");
    }
    String line = String.join(", ", facts);
    return target.note() == null ? line : line + " (" + target.note() + ")";
  }

  private Optional<String> cancelled() {
    out.println(style.bold("Cancelled: nothing was started."));
    return Optional.empty();
  }

  /** An ISO-8601 time to the second, for people; as it is when it is not one. */
  static String toSecond(String iso) {
    if (iso == null) {
      return "-";
    }
    try {
      return Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return iso;
    }
  }
}
