package dev.restoreflow.activities.cluster;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the configured data directory of a stopped cluster, and nothing else: any other path,
 * a pgdata that is itself a symbolic link, a running postmaster, or a directory that does not
 * look like PostgreSQL data is refused. The directory itself stays, with its owner and mode;
 * symbolic links inside (pg_wal, tablespaces) are removed as links, their targets are never
 * touched. What it reports removed is what find removed, and nothing may be left.
 *
 * <p>When the job's id and the restore's size are given and there is room for the restore beside
 * the old data, the entries are not deleted but renamed into the job's aside directory
 * ({@link OldData}: a sibling of the data directory on the same file system) — instant however
 * many files there are — and {@link #discard} deletes them after the restore has succeeded. Links
 * are moved as links, exactly as they would have been deleted as links. Aside directories of
 * earlier jobs of this data directory are deleted first.
 */
public final class DataWiper {

  /** The longest the delete may take (the step's activity timeout is above it). */
  public static final Duration DELETE_LIMIT = Duration.ofHours(2);

  /** Top-level entries of a PostgreSQL data directory (also of a partly restored or wiped one). */
  private static final Set<String> PG_MARKERS = Set.of("PG_VERSION", "base", "global", "pg_wal",
      "pg_xact", "pg_multixact", "pg_tblspc", "pg_twophase", "pg_subtrans", "pg_stat",
      "pg_stat_tmp", "pg_replslot", "pg_logical", "pg_commit_ts", "pg_dynshmem", "pg_notify",
      "pg_serial", "pg_snapshots", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf",
      "pg_ident.conf", "postmaster.opts", "backup_label", "backup_manifest", "tablespace_map");

  private static final Logger log = LoggerFactory.getLogger(DataWiper.class);
  private static final Duration QUICK = Duration.ofSeconds(30);

  /** find's %y: the kind of each entry it removed. */
  private static final Map<String, String> TYPES = Map.of("f", "files", "d", "directories",
      "l", "symbolic links");

  private final CommandRunner runner;
  private final InstanceConfig instance;
  private final ClusterControl cluster;

  public DataWiper(CommandRunner runner, InstanceConfig instance, ClusterControl cluster) {
    this.runner = runner;
    this.instance = instance;
    this.cluster = cluster;
  }

  /**
   * Wipes {@code requested}, which must be the instance's configured data directory, deleting
   * its entries.
   *
   * @param beforeDeleting runs once every check has passed, before anything is deleted
   */
  public String wipe(String requested, Runnable beforeDeleting) {
    return wipe(requested, beforeDeleting, null, null);
  }

  /**
   * Wipes {@code requested}, which must be the instance's configured data directory: moves its
   * entries aside when {@code jobId} and {@code restoreBytes} are given and there is room,
   * otherwise deletes them. Run again (a retried step), it finishes what the first run began.
   *
   * @param beforeDeleting runs once every check has passed, before anything is moved or deleted
   * @param restoreBytes what the restore will write (PlanRestore's dataBytes); null = delete
   */
  public String wipe(String requested, Runnable beforeDeleting, String jobId, Long restoreBytes) {
    Path configured = checkedDataDirectory(requested);
    ClusterState state = cluster.state();
    if (state == ClusterState.RUNNING) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": a postmaster is running on it; stop the cluster first");
    }
    Path aside = restoreBytes == null || OldData.whyNotAside(jobId, 0L, Long.MAX_VALUE).isPresent()
        ? null : OldData.asideOf(configured, jobId);
    // this job's aside directory exists: an earlier attempt of this step checked the directory
    // and began moving (a retried step); what is left in it is finished, not judged again
    boolean begunAside = aside != null && kind(aside).filter("d"::equals).isPresent();
    List<String> entries = list(configured);
    if (entries.isEmpty()) {
      beforeDeleting.run();
      String earlier = removeEarlierAside(configured, aside);
      return (begunAside ? "already moved aside to " + aside : "already empty") + earlier;
    }
    if (!begunAside && entries.stream().noneMatch(PG_MARKERS::contains)) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": it does not look like a PostgreSQL data directory (none of PG_VERSION, base,"
          + " global, pg_wal, ...); check the instance's pgdata in the config");
    }
    beforeDeleting.run();
    String earlier = removeEarlierAside(configured, aside);
    if (aside == null) {
      return "removed " + empty(configured) + " from " + configured + earlier;
    }
    Optional<String> whyNot = begunAside ? Optional.empty()
        : OldData.whyNotAside(jobId, restoreBytes, freeBytes(configured));
    if (whyNot.isEmpty()) {
      whyNot = prepareAside(configured, aside);
    }
    if (whyNot.isPresent()) {
      log.info("WipeData deletes {}: not moved aside, {}", configured, whyNot.get());
      return "removed " + empty(configured) + " from " + configured + " (not moved aside: "
          + whyNot.get() + ")" + earlier;
    }
    CommandResult moved = runner.run(Command.of(OldData.moveInto(configured.toString(),
        aside.toString(), entries), instance.osUser(), QUICK));
    List<String> left = list(configured);
    String rest = "";
    if (!left.isEmpty()) {
      // mv failed on some entry (or one of that name was there already): delete what is left
      log.warn("WipeData: {} entries of {} not moved aside (mv exited {}: {}); deleting them",
          left.size(), configured, moved.exitCode(), moved.stderrTail().strip());
      rest = "; removed " + empty(configured) + " that could not be moved";
    }
    return "moved " + (entries.size() - left.size()) + " entries aside to " + aside
        + " (deleted once the restore has succeeded, else by the next full restore of this"
        + " instance)" + rest + earlier;
  }

  /**
   * Deletes the aside directory of {@code jobId} for the data directory {@code requested} (the
   * old data of a restore that has succeeded); nothing when there is none.
   */
  public String discard(String requested, String jobId) {
    Path configured = Path.of(requested).normalize();
    if (!configured.equals(Path.of(instance.pgdata()).normalize())
        || OldData.whyNotAside(jobId, 0L, Long.MAX_VALUE).isPresent()) {
      throw new WipeRefusedException("refusing to discard old data of " + requested + " for job "
          + jobId + ": not the instance's configured pgdata, or no such job id");
    }
    Path aside = OldData.asideOf(configured, jobId);
    if (kind(aside).isEmpty()) {
      return "nothing kept aside";
    }
    deleteAside(aside);
    return "deleted the old data in " + aside;
  }

  /** The configured data directory, when {@code requested} is it and is a real directory. */
  private Path checkedDataDirectory(String requested) {
    Path configured = Path.of(instance.pgdata()).normalize();
    Path asked = Path.of(requested).normalize();
    if (!asked.isAbsolute() || !asked.equals(configured)) {
      throw new WipeRefusedException("refusing to wipe " + requested
          + ": the only directory WipeData may empty is the instance's configured pgdata "
          + configured);
    }
    if (configured.getNameCount() < 2) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": a data directory must be at least two levels below /");
    }
    refuseUnlessARealDirectory(configured);
    return configured;
  }

  /**
   * Creates the aside directory and checks that a rename into it stays on the data directory's
   * file system; why not, when it cannot be used.
   */
  private Optional<String> prepareAside(Path pgdata, Path aside) {
    CommandResult made = runner.run(Command.of(OldData.makeAside(aside.toString()),
        instance.osUser(), QUICK));
    if (!made.succeeded()) {
      return Optional.of("cannot create " + aside + ": " + made.stderrTail().strip());
    }
    if (!kind(aside).filter("d"::equals).isPresent()) {
      return Optional.of(aside + " is not a directory");
    }
    CommandResult devices = runner.run(Command.of(OldData.devices(pgdata.toString(),
        aside.toString()), instance.osUser(), QUICK));
    List<String> ids = Arrays.stream(devices.stdout().split("\n")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    if (!devices.succeeded() || ids.size() != 2) {
      return Optional.of("cannot tell the file systems of " + pgdata + " and " + aside);
    }
    if (!ids.get(0).equals(ids.get(1))) {
      deleteAside(aside);
      return Optional.of(pgdata + " and its parent are on different file systems");
    }
    return Optional.empty();
  }

  /** Deletes restoreflow's aside directories of this data directory from earlier jobs. */
  private String removeEarlierAside(Path pgdata, Path keep) {
    CommandResult listed = runner.run(Command.of(ClusterCommands.listDirectory(
        pgdata.getParent().toString()), instance.osUser(), QUICK));
    if (!listed.succeeded()) {
      return "";
    }
    List<String> removed = new ArrayList<>();
    for (String name : listed.stdout().split("\n")) {
      String entry = name.strip();
      Path earlier = pgdata.resolveSibling(entry);
      if (!OldData.isAsideName(pgdata, entry) || earlier.equals(keep)) {
        continue;
      }
      try {
        deleteAside(earlier);
        removed.add(entry);
      } catch (RuntimeException e) {
        log.warn("WipeData: could not delete the old data of an earlier job in {}: {}", earlier,
            e.getMessage());
      }
    }
    return removed.isEmpty() ? ""
        : "; deleted old data left aside by earlier jobs: " + String.join(", ", removed);
  }

  private void deleteAside(Path aside) {
    Command delete = Command.of(OldData.delete(aside.toString()), instance.osUser(),
        DELETE_LIMIT);
    CommandResult result = runner.run(delete);
    if (kind(aside).isPresent()) {
      throw new WipeIncompleteException("could not delete the old data in " + aside
          + " (find exited " + result.exitCode() + (result.stderrTail().isBlank() ? ""
          : ": " + result.stderrTail().strip()) + "); make it removable by "
          + instance.osUser() + " or delete it by hand");
    }
  }

  /** find's %y of {@code path} itself, links not followed; empty when it does not exist. */
  private Optional<String> kind(Path path) {
    CommandResult result = runner.run(Command.of(ClusterCommands.describePath(path.toString()),
        instance.osUser(), QUICK));
    if (!result.succeeded()) {
      if (result.stderrTail().contains("No such file or directory")) {
        return Optional.empty();
      }
      throw new CommandFailedException(Command.of(ClusterCommands.describePath(path.toString()),
          instance.osUser(), QUICK), result);
    }
    return Optional.of(result.stdout().strip().split("\t", 2)[0]);
  }

  private long freeBytes(Path dir) {
    String out = runner.runChecked(Command.of(ClusterCommands.freeBytes(dir.toString()),
        instance.osUser(), QUICK)).stdout();
    String[] lines = out.strip().split("\n");
    try {
      return Long.parseLong(lines[lines.length - 1].strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * find does not descend into a starting point that is a symbolic link: it would delete
   * nothing and succeed. Links among the parents are resolved as usual, and are fine.
   */
  private void refuseUnlessARealDirectory(Path dir) {
    String out = runner.runChecked(Command.of(ClusterCommands.describePath(dir.toString()),
        instance.osUser(), Duration.ofSeconds(30))).stdout();
    String[] typeAndTarget = out.strip().split("\t", 2);
    if (typeAndTarget[0].equals("l")) {
      String target = typeAndTarget.length > 1 ? typeAndTarget[1] : "?";
      throw new WipeRefusedException("refusing to wipe " + dir + ": it is a symbolic link to "
          + target + ", and WipeData empties only a real directory; set the instance's pgdata to"
          + " the data directory itself (" + target + ", resolved) in the config");
    }
    if (!typeAndTarget[0].equals("d")) {
      throw new WipeRefusedException("refusing to wipe " + dir + ": it is not a directory");
    }
  }

  /** Deletes everything below {@code dir}; returns what was removed, counted by find. */
  private String empty(Path dir) {
    Map<String, Long> removed = new ConcurrentHashMap<>();
    Command delete = Command.of(ClusterCommands.emptyDirectory(dir.toString()), instance.osUser(),
        DELETE_LIMIT);
    CommandResult result = runner.run(delete, (stream, line) -> {
      if (stream == OutputListener.Stream.STDOUT) {
        removed.merge(TYPES.getOrDefault(line.strip(), "other entries"), 1L, Long::sum);
      }
    }, () -> false);
    List<String> left = list(dir);
    if (!left.isEmpty()) {
      throw new WipeIncompleteException("WipeData could not empty " + dir + ": " + left.size()
          + " entries are left (" + String.join(", ", left.subList(0, Math.min(5, left.size())))
          + (left.size() > 5 ? ", ..." : "") + ") after find exited " + result.exitCode()
          + (result.stderrTail().isBlank() ? "" : ": " + result.stderrTail().strip())
          + "; the data directory is partly wiped: make everything in it removable by "
          + instance.osUser() + ", then run a full restore");
    }
    if (!result.succeeded()) {
      throw new CommandFailedException(delete, result);
    }
    long total = removed.values().stream().mapToLong(Long::longValue).sum();
    String kinds = new TreeMap<>(removed).entrySet().stream()
        .map(kind -> kind.getValue() + " " + kind.getKey()).collect(Collectors.joining(", "));
    return total + " entries" + (total > 0 ? " (" + kinds + ")" : "");
  }

  private List<String> list(Path dir) {
    String out = runner.runChecked(Command.of(ClusterCommands.listDirectory(dir.toString()),
        instance.osUser(), Duration.ofSeconds(30))).stdout();
    return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
