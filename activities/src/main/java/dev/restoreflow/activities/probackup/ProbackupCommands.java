package dev.restoreflow.activities.probackup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.RecoveryTargets;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.RecoveryTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * pg_probackup's commands: pure argv builders, the parser of {@code show --format=json}, and the
 * choice of the backup to restore. Running them is the engine's and the activities' job.
 */
public final class ProbackupCommands {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProbackupCommands() {}

  public static List<String> version(ProbackupConfig p) {
    return List.of(p.binary(), "version");
  }

  public static List<String> show(InstanceConfig i) {
    ProbackupConfig p = i.settings(ProbackupConfig.class);
    return List.of(p.binary(), "show", "-B", p.catalog(), "--instance", p.instance(),
        "--format=json");
  }

  /** A STREAM backup (WAL inside the backup), connecting to the running cluster. */
  public static List<String> backup(InstanceConfig i, String mode) {
    ProbackupConfig p = i.settings(ProbackupConfig.class);
    if (!mode.equals("FULL") && !mode.equals("DELTA") && !mode.equals("PAGE")) {
      throw new IllegalArgumentException("backup mode must be FULL, DELTA or PAGE");
    }
    return List.of(p.binary(), "backup", "-B", p.catalog(), "--instance", p.instance(),
        "-b", mode, "--stream", "-h", i.connectHost(), "-p", String.valueOf(i.port()),
        "-U", i.dbUser(), "-d", i.database());
  }

  public static List<String> init(ProbackupConfig p) {
    return List.of(p.binary(), "init", "-B", p.catalog());
  }

  public static List<String> addInstance(InstanceConfig i) {
    ProbackupConfig p = i.settings(ProbackupConfig.class);
    return List.of(p.binary(), "add-instance", "-B", p.catalog(), "-D", i.pgdata(),
        "--instance", p.instance());
  }

  /**
   * pg_probackup's remote mode: the catalog is where pg_probackup runs, the data directory on
   * the database host it reaches over ssh (key and known_hosts from the host's config).
   */
  public record Remote(String address, int port, String user, String privateKey,
      String knownHosts) {

    List<String> options() {
      return List.of("--remote-proto=ssh", "--remote-host=" + address, "--remote-port=" + port,
          "--remote-user=" + user, "--ssh-options=-i " + privateKey + " -o UserKnownHostsFile="
              + knownHosts + " -o StrictHostKeyChecking=yes -o BatchMode=yes");
    }
  }

  public static List<String> restore(InstanceConfig i, String backupId, boolean incremental,
      RecoveryTarget target) {
    return restore(i, backupId, incremental, target, null);
  }

  /** @param remote null when pg_probackup runs on the database host itself */
  public static List<String> restore(InstanceConfig i, String backupId, boolean incremental,
      RecoveryTarget target, Remote remote) {
    ProbackupConfig p = i.settings(ProbackupConfig.class);
    List<String> argv = new ArrayList<>(List.of(p.binary(), "restore", "-B", p.catalog(),
        "--instance", p.instance(), "-D", i.pgdata()));
    if (backupId != null) {
      argv.addAll(List.of("-i", BackupIds.normalize(backupId)));
    }
    if (incremental) {
      argv.addAll(List.of("-I", "CHECKSUM"));
    }
    if (p.threads() > 1) {
      argv.addAll(List.of("-j", String.valueOf(p.threads())));
    }
    argv.addAll(recoveryTargetOptions(target));
    if (remote != null) {
      argv.addAll(remote.options());
    }
    argv.add("--progress");
    return argv;
  }

  /** {@code --recovery-target-*} options of a target that passed {@link RecoveryTargets#check}. */
  public static List<String> recoveryTargetOptions(RecoveryTarget target) {
    RecoveryTargets.check(target);
    if (target == null || target.isEmpty()) {
      return List.of();
    }
    List<String> options = new ArrayList<>();
    add(options, "time", target.time());
    add(options, "lsn", target.lsn());
    add(options, "xid", target.xid());
    add(options, "name", target.name());
    return options;
  }

  private static void add(List<String> options, String kind, String value) {
    if (value != null) {
      options.add("--recovery-target-" + kind + "=" + value);
    }
  }

  /** Checks a backup as a restore would read it (pg_probackup validate -i ID). */
  public static List<String> validate(InstanceConfig i, String backupId) {
    ProbackupConfig p = i.settings(ProbackupConfig.class);
    return List.of(p.binary(), "validate", "-B", p.catalog(), "--instance", p.instance(),
        "-i", BackupIds.normalize(backupId));
  }

  /** Removes one backup from the catalog (one a killed attempt left unfinished). */
  public static List<String> delete(InstanceConfig i, String backupId) {
    ProbackupConfig p = i.settings(ProbackupConfig.class);
    return List.of(p.binary(), "delete", "-B", p.catalog(), "--instance", p.instance(),
        "-i", BackupIds.normalize(backupId));
  }

  /** Parses {@code show --format=json} output: backups newest first, as the tool lists them. */
  public static List<BackupInfo> parseShow(String json, String instanceName) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("pg_probackup show did not print JSON: " + e.getMessage(),
          e);
    }
    List<BackupInfo> backups = new ArrayList<>();
    if (root == null || !root.isArray()) {
      return backups;
    }
    for (JsonNode instance : root) {
      if (!instanceName.equals(instance.path("instance").asText())) {
        continue;
      }
      for (JsonNode b : instance.path("backups")) {
        backups.add(new BackupInfo(
            b.path("id").asText(),
            b.hasNonNull("parent-backup-id") ? b.get("parent-backup-id").asText() : null,
            b.path("backup-mode").asText(),
            b.path("status").asText(),
            b.path("start-time").asText(null),
            b.path("recovery-time").asText(null),
            b.path("data-bytes").asLong(0),
            b.path("pgdata-bytes").asLong(0),
            b.path("end-time").asText(null),
            b.path("start-lsn").asText(null),
            b.path("stop-lsn").asText(null),
            b.path("wal-bytes").asLong(0)));
      }
    }
    return backups;
  }

  /**
   * The backup to restore: the given id (which must exist and be restorable, as must its
   * chain), or the newest restorable backup whose chain is whole.
   */
  public static BackupChoice choose(List<BackupInfo> backups, String requestedId) {
    Map<String, BackupInfo> byId = new HashMap<>();
    backups.forEach(b -> byId.put(b.id(), b));
    if (requestedId != null) {
      String id = BackupIds.normalize(requestedId);
      BackupInfo backup = byId.get(id);
      if (backup == null) {
        throw new BackupChoiceException(FailureType.BACKUP_NOT_FOUND,
            "backup " + id + " is not in the catalog; `pg_probackup show` lists "
                + (backups.isEmpty() ? "no backups" : backups.size() + " backups, newest "
                + backups.get(0).id()));
      }
      return new BackupChoice(backup, chainOf(backup, byId));
    }
    for (BackupInfo backup : backups) {
      if (backup.isRestorable()) {
        try {
          return new BackupChoice(backup, chainOf(backup, byId));
        } catch (BackupChoiceException brokenChain) {
          // an older backup may still have a whole chain
        }
      }
    }
    throw new BackupChoiceException(FailureType.NO_VALID_BACKUP,
        "no backup with status OK or DONE (and a whole chain) in the catalog; make one with"
            + " `pg_probackup backup -b FULL`");
  }

  private static List<BackupInfo> chainOf(BackupInfo backup, Map<String, BackupInfo> byId) {
    List<BackupInfo> chain = new ArrayList<>();
    BackupInfo current = backup;
    while (current != null) {
      if (!current.isRestorable()) {
        throw new BackupChoiceException(FailureType.BACKUP_NOT_VALID, "backup " + current.id()
            + (current == backup ? "" : " (in the chain of " + backup.id() + ")")
            + " has status " + current.status() + "; only OK or DONE backups are restored");
      }
      chain.add(current);
      if (current.parentBackupId() == null) {
        break;
      }
      BackupInfo parent = byId.get(current.parentBackupId());
      if (parent == null) {
        throw new BackupChoiceException(FailureType.BACKUP_NOT_VALID, "backup " + backup.id()
            + " needs its parent " + current.parentBackupId() + ", which is not in the catalog");
      }
      current = parent;
    }
    Collections.reverse(chain);
    return chain;
  }
}
