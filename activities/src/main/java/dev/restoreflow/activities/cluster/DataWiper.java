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
    Path asked = checkedPath(requested);
    if (restoreBytes == null || OldData.whyNotAside(jobId, 0L, Long.MAX_VALUE).isPresent()) {
      return deleting(asked, beforeDeleting, "");
    }
    // one look (a single find) at the parent and the data directory: on the critical path,
    // every command counts
    Optional<OldData.Look> seen = look(asked);
    if (seen.isEmpty()) {
      return deleting(asked, beforeDeleting, " (not moved aside: cannot list "
          + asked.getParent() + ")");
    }
    OldData.Look look = seen.get();
    refuseUnlessADirectory(asked, look.pgdataKind(), look.pgdataTarget());
    refuseIfRunning(asked);
    Path aside = OldData.asideOf(asked, jobId);
    String asideKind = look.asides().get(aside.getFileName().toString());
    // this job's aside directory exists: an earlier attempt of this step checked the directory
    // and began moving (a retried step); what is left in it is finished, not judged again
    boolean begunAside = "d".equals(asideKind);
    List<String> entries = look.entries();
    if (!entries.isEmpty() && !begunAside && entries.stream().noneMatch(PG_MARKERS::contains)) {
      throw notPostgres(asked);
    }
    beforeDeleting.run();
    String earlier = removeEarlierAside(asked, look.asides().keySet(), aside);
    if (entries.isEmpty()) {
      return (begunAside ? "already moved aside to " + aside : "already empty") + earlier;
    }
    Optional<String> whyNot = begunAside ? Optional.empty()
        : OldData.whyNotAside(jobId, restoreBytes, freeBytes(asked));
    if (whyNot.isEmpty() && asideKind != null && !begunAside) {
      whyNot = Optional.of(aside + " exists and is not a directory");
    } else if (whyNot.isEmpty() && !look.pgdataDevice().equals(look.parentDevice())) {
      whyNot = Optional.of(asked + " is not on its parent's file system");
    } else if (whyNot.isEmpty() && !begunAside) {
      CommandResult made = runner.run(Command.of(OldData.makeAside(aside.toString()),
          instance.osUser(), QUICK));
      if (!made.succeeded()) {
        whyNot = Optional.of("cannot create " + aside + ": " + made.stderrTail().strip());
      }
    }
    if (whyNot.isPresent()) {
      log.info("WipeData deletes {}: not moved aside, {}", asked, whyNot.get());
      return "removed " + empty(asked) + " from " + asked + " (not moved aside: "
          + whyNot.get() + ")" + earlier;
    }
    CommandResult moved = runner.run(Command.of(OldData.moveInto(asked.toString(),
        aside.toString(), entries), instance.osUser(), QUICK));
    // mv -n skips a name already aside (only after an earlier attempt): then look again
    List<String> left = moved.succeeded() && !begunAside ? List.of() : list(asked);
    String rest = "";
    if (!left.isEmpty()) {
      log.warn("WipeData: {} entries of {} not moved aside (mv exited {}: {}); deleting them",
          left.size(), asked, moved.exitCode(), moved.stderrTail().strip());
      rest = "; removed " + empty(asked) + " that could not be moved";
    }
    return "moved " + (entries.size() - left.size()) + " entries aside to " + aside
        + " (deleted once the restore has succeeded, else by the next full restore of this"
        + " instance)" + rest + earlier;
  }

  /** Today's wipe: every check, then the entries deleted. */
  private String deleting(Path configured, Runnable beforeDeleting, String why) {
    refuseUnlessARealDirectory(configured);
    refuseIfRunning(configured);
    List<String> entries = list(configured);
    if (entries.isEmpty()) {
      beforeDeleting.run();
      return "already empty";
    }
    if (entries.stream().noneMatch(PG_MARKERS::contains)) {
      throw notPostgres(configured);
    }
    beforeDeleting.run();
    return "removed " + empty(configured) + " from " + configured + why;
  }

  private void refuseIfRunning(Path configured) {
    if (cluster.state() == ClusterState.RUNNING) {
      throw new WipeRefusedException("refusing to wipe " + configured
          + ": a postmaster is running on it; stop the cluster first");
    }
  }

  private static WipeRefusedException notPostgres(Path configured) {
    return new WipeRefusedException("refusing to wipe " + configured
        + ": it does not look like a PostgreSQL data directory (none of PG_VERSION, base,"
        + " global, pg_wal, ...); check the instance's pgdata in the config");
  }

  private Optional<OldData.Look> look(Path pgdata) {
    CommandResult result = runner.run(Command.of(OldData.look(pgdata.getParent().toString(),
        pgdata.toString()), instance.osUser(), QUICK));
    if (!result.succeeded()) {
      log.info("WipeData: cannot look at {}: {}", pgdata.getParent(),
          result.stderrTail().strip());
      return Optional.empty();
    }
    return OldData.Look.parse(pgdata, result.stdout());
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

  /** The configured data directory, when {@code requested} is it (by its text). */
  private Path checkedPath(String requested) {
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
    return configured;
  }

  /** Deletes restoreflow's aside directories of this data directory from earlier jobs. */
  private String removeEarlierAside(Path pgdata, java.util.Collection<String> names, Path keep) {
    List<String> removed = new ArrayList<>();
    for (String entry : names.stream().sorted().toList()) {
      Path earlier = pgdata.resolveSibling(entry);
      if (earlier.equals(keep)) {
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
    refuseUnlessADirectory(dir, typeAndTarget[0],
        typeAndTarget.length > 1 ? typeAndTarget[1] : "?");
  }

  private static void refuseUnlessADirectory(Path dir, String kind, String linkTarget) {
    if (kind.equals("l")) {
      throw new WipeRefusedException("refusing to wipe " + dir + ": it is a symbolic link to "
          + linkTarget + ", and WipeData empties only a real directory; set the instance's pgdata"
          + " to the data directory itself (" + linkTarget + ", resolved) in the config");
    }
    if (!kind.equals("d")) {
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
