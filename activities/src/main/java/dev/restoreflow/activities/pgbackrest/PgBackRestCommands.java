package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.RecoveryTargets;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * pgBackRest's commands as argv lists, nothing run. pgBackRest refuses an option on the command
 * line that its command does not take (e.g. {@code --pg1-path} for {@code info}), so each command
 * gets exactly its own: the repository's for all, the cluster's for those that read it.
 */
public final class PgBackRestCommands {

  private PgBackRestCommands() {}

  public static List<String> version(PgBackRestConfig p) {
    return List.of(p.binary(), "version");
  }

  /** {@code info --output=json} of the stanza. */
  public static List<String> info(PgBackRestConfig p) {
    List<String> argv = repository(p);
    argv.addAll(List.of("--output=json", "info"));
    return argv;
  }

  /** Creates the stanza, or checks the existing one (pgBackRest makes this idempotent). */
  public static List<String> stanzaCreate(InstanceConfig i) {
    List<String> argv = cluster(i);
    argv.addAll(List.of("--log-level-console=info", "stanza-create"));
    return argv;
  }

  /** Connects to the cluster and has it archive one WAL segment into the stanza. */
  public static List<String> check(InstanceConfig i) {
    List<String> argv = cluster(i);
    argv.addAll(List.of("--log-level-console=info", "check"));
    return argv;
  }

  /**
   * A backup of the running cluster; {@code --start-fast}: a job waits for no scheduled
   * checkpoint. pgBackRest expires old backups after it by the repository's retention.
   *
   * @param compressType null = the config's
   */
  public static List<String> backup(InstanceConfig i, String type, String compressType) {
    if (!PgBackRestEngine.TYPES.contains(type)) {
      throw new IllegalArgumentException("backup type must be one of " + PgBackRestEngine.TYPES);
    }
    PgBackRestConfig p = i.settings(PgBackRestConfig.class);
    List<String> argv = cluster(i);
    argv.addAll(List.of("--type=" + type, "--start-fast"));
    processMax(argv, p);
    String compress = compressType != null ? compressType : p.compressType();
    if (compress != null) {
      argv.add("--compress-type=" + compress);
    }
    // detail: a line per file with pgBackRest's percent done, TakeBackup's progress (BackupBytes)
    argv.addAll(List.of("--log-level-console=detail", "backup"));
    return argv;
  }

  /** Expires one backup set (and what depends on it) from the repository. */
  public static List<String> expire(PgBackRestConfig p, String label) {
    List<String> argv = repository(p);
    argv.addAll(List.of("--set=" + BackupLabels.normalize(label), "--log-level-console=info",
        "expire"));
    return argv;
  }

  /** Reads every file of one backup (and the WAL it needs) and checks it. */
  public static List<String> verify(PgBackRestConfig p, String label) {
    List<String> argv = repository(p);
    argv.addAll(List.of("--set=" + BackupLabels.normalize(label), "--log-level-console=info",
        "verify"));
    return argv;
  }

  /**
   * Restores {@code label} into the data directory, always with {@code --delta}: into an empty
   * directory pgBackRest restores in full anyway, and a restore that was cut short (its
   * backup.manifest is still in the directory) goes on where it stopped. Without a recovery
   * target the cluster recovers to the end of the backup ({@code --type=immediate}): the
   * backup's data, as a restore of a backup means for every engine. The target action is always
   * given: pgBackRest's default, pause, would leave the cluster paused in recovery.
   *
   * @param promote promote at the target; false = pause there (instances.N.promote: false)
   */
  public static List<String> restore(InstanceConfig i, String label, RecoveryTarget target,
      boolean promote) {
    return restore(i, label, target, promote, null);
  }

  /**
   * @param tablespaces for a restore into a scratch target: where every tablespace goes
   *     ({@code --tablespace-map-all}), so none is restored over the instance's own; null = where
   *     the backup says
   */
  public static List<String> restore(InstanceConfig i, String label, RecoveryTarget target,
      boolean promote, String tablespaces) {
    RecoveryTargets.check(target);
    PgBackRestConfig p = i.settings(PgBackRestConfig.class);
    List<String> argv = repository(p);
    argv.addAll(List.of("--pg1-path=" + i.pgdata(), "--delta",
        "--set=" + BackupLabels.normalize(label)));
    processMax(argv, p);
    if (tablespaces != null) {
      argv.addAll(List.of("--tablespace-map-all=" + tablespaces, "--archive-mode=off"));
    }
    if (target == null || target.isEmpty()) {
      argv.add("--type=immediate");
    } else if (target.time() != null) {
      argv.addAll(List.of("--type=time", "--target=" + target.time()));
    } else if (target.lsn() != null) {
      argv.addAll(List.of("--type=lsn", "--target=" + target.lsn()));
    } else if (target.xid() != null) {
      argv.addAll(List.of("--type=xid", "--target=" + target.xid()));
    } else {
      argv.addAll(List.of("--type=name", "--target=" + target.name()));
    }
    argv.add("--target-action=" + (promote ? "promote" : "pause"));
    // detail: a line per file, written or kept, with the percent done (RestoreProgress)
    argv.addAll(List.of("--log-level-console=detail", "restore"));
    return argv;
  }

  /** Whether a process's argv is a pgBackRest restore (or one of its local workers) into pgdata. */
  static boolean isRestoreInto(List<String> args, String pgdata) {
    return args.contains("--pg1-path=" + pgdata)
        && args.stream().anyMatch(a -> a.equals("restore") || a.equals("restore:local"));
  }

  /** Whether a process's argv is a pgBackRest backup (or one of its workers) of the stanza. */
  static boolean isBackupOf(List<String> args, String stanza) {
    return args.contains("--stanza=" + stanza)
        && args.stream().anyMatch(a -> a.equals("backup") || a.startsWith("backup:"));
  }

  /** The program, the config (or none) and the stanza: what every command needs. */
  private static List<String> repository(PgBackRestConfig p) {
    List<String> argv = new ArrayList<>();
    argv.add(p.binary());
    argv.add(p.configFile() != null ? "--config=" + p.configFile() : "--no-config");
    if (p.repoPath() != null) {
      argv.add("--repo1-path=" + p.repoPath());
    }
    argv.add("--stanza=" + p.stanza());
    return argv;
  }

  /** The repository's options and the cluster's: data directory, port, socket, user. */
  private static List<String> cluster(InstanceConfig i) {
    PgBackRestConfig p = i.settings(PgBackRestConfig.class);
    List<String> argv = repository(p);
    argv.add("--pg1-path=" + i.pgdata());
    argv.add("--pg1-port=" + i.port());
    if (p.socketPath() != null) {
      argv.add("--pg1-socket-path=" + p.socketPath());
    }
    argv.add("--pg1-user=" + i.dbUser());
    argv.add("--pg1-database=" + i.database());
    return argv;
  }

  private static void processMax(List<String> argv, PgBackRestConfig p) {
    if (p.processMax() > 1) {
      argv.add("--process-max=" + p.processMax());
    }
  }
}
