package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreflow.activities.Aside;
import dev.restoreflow.activities.BackupSizeWords;
import dev.restoreflow.activities.DiskFull;
import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.Heartbeats;
import dev.restoreflow.activities.cluster.DirectorySize;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.engine.SettingsSection;
import dev.restoreflow.activities.host.HostServices;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.activities.host.HostTools;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.Steps;
import dev.restoreflow.workflows.activities.BaseBackupActivities;
import dev.restoreflow.workflows.model.BackupInput;
import dev.restoreflow.workflows.model.BackupPlan;
import dev.restoreflow.workflows.model.InstanceCatalog;
import dev.restoreflow.workflows.model.PlanInput;
import dev.restoreflow.workflows.model.PlannedStep;
import dev.restoreflow.workflows.model.RestorePlan;
import dev.restoreflow.workflows.model.StepResult;
import dev.restoreflow.workflows.model.TakenBackup;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pg_basebackup tarballs and archived WAL in object storage (S3 or file://): backups streamed by
 * restoreflow itself, restored by FetchS3: in full, or as a delta against the data directory
 * ({@code incremental}: only the chunks holding blocks that differ are downloaded).
 */
public final class BaseBackupEngine implements Engine {

  public static final String NAME = "basebackup";
  public static final String FULL = "full";
  private static final String FILE_SCHEME = "file://";

  /** backup.json files this worker has read: PlanRestore reads only new ones. */
  private final BackupMetaCache metaCache = new BackupMetaCache();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings checkSettings(String key, String name, InstanceConfig instance,
      JsonNode section) {
    return BaseBackupSettings.validate(key,
        SettingsSection.read(key, section, BaseBackupConfig.class));
  }

  @Override
  public String normalizeBackupId(String backupId) {
    return BaseBackupLayout.checkId(backupId);
  }

  @Override
  public boolean restoresIncrementally() {
    return true;
  }

  @Override
  public List<String> backupTypes() {
    return List.of(FULL);
  }

  @Override
  public List<String> compressions() {
    return BaseBackupConfig.COMPRESSIONS;
  }

  @Override
  public List<PlannedStep> restoreSteps(boolean incremental, boolean full) {
    return Steps.restore(BaseBackupActivities.FETCH_STEP, incremental);
  }

  /**
   * The check that pg_ctl runs (a process) goes on while the repository is read; its failure
   * comes first, as when it ran first.
   */
  @Override
  public RestorePlan planRestore(HostStep step, PlanInput input, RoomCheck room) {
    // the restore stops and starts the cluster
    Aside<Void> pgCtl = Aside.start("plan-pg_ctl-check", () -> {
      HostTools.requirePgCtl(step);
      return null;
    });
    RestorePlan plan;
    try {
      plan = BaseBackupPlanner.plan(step, input, room, metaCache);
    } catch (RuntimeException e) {
      pgCtl.join();
      throw e;
    }
    pgCtl.join();
    return plan;
  }

  @Override
  public BackupPlan planBackup(HostStep step, BackupInput input) {
    HostTools.requirePgCtl(step);
    requireLocalHost(step);
    HostTools.require(step.runner(), step.instance(),
        List.of(step.instance().pgTool("pg_basebackup"), "--version"), "pg_basebackup",
        "instances." + step.instanceName() + ".pgBin");
    try (ObjectStore store = open(step)) {
      int backups = new BaseBackupCatalog(store, step.instanceName()).backups().size();
      return new BackupPlan(step.instanceName(), step.host(), NAME, FULL, null,
          "pg_basebackup of " + step.instanceName() + " into " + store.describe() + " ("
              + step.instance().settings(BaseBackupConfig.class).compression() + "; " + backups
              + " backups there now)");
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "PlanBackup: the repository cannot be read: "
          + e.getMessage());
    }
  }

  @Override
  public TakenBackup takeBackup(HostStep step, BackupInput input) {
    requireLocalHost(step);
    long started = System.currentTimeMillis();
    ActivityExecutionContext activity = Activity.getExecutionContext();
    int attempt = activity.getInfo().getAttempt();
    AtomicReference<TakeProgress> progress = new AtomicReference<>(new TakeProgress(null, ""));
    try (ObjectStore store = open(step)) {
      if (attempt > 1) {
        Optional<TakenBackup> adopted = clearEarlierAttempt(step, store,
            activity.getHeartbeatDetails(TakeProgress.class).orElse(null), started);
        if (adopted.isPresent()) {
          return adopted.get();
        }
      }
      AtomicLong streamed = new AtomicLong();
      // the tar stream is about the data directory's size (pg_wal's old segments aside): measured
      // once in the background, not in the way of the backup
      try (DirectorySize cluster = new DirectorySize(step.runner(), step.instance().osUser(),
              step.instance().pgdata(), Duration.ofHours(1)).start();
          Heartbeats beats = Heartbeats.start(() -> progress.get().withBytes(streamed.get(),
              cluster.bytes()))) {
        InstanceConfig instance = input.compression() == null ? step.instance()
            : step.instance().withSettings(step.instance().settings(BaseBackupConfig.class)
                .withCompression(input.compression()));
        BackupMeta meta = new BaseBackupMaker(Clock.systemUTC()).backup(step.instanceName(),
            instance, store,
            id -> progress.set(new TakeProgress(id, "started")),
            line -> progress.set(new TakeProgress(progress.get().backupId(), line)),
            beats::stopped, streamed);
        beats.rethrowIfStopped();
        return taken(meta, started, attempt > 1 ? " (attempt " + attempt + ")" : "");
      }
    } catch (IOException e) {
      if (DiskFull.causedBy(e)) {
        throw repositoryFull(step, input, e);
      }
      throw Failures.of(FailureType.STORAGE_FAILED, "TakeBackup: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failures.of(FailureType.COMMAND_FAILED, "TakeBackup interrupted");
    }
  }

  /** A repository on a full file system (file://; an S3 server's own disk may say so too). */
  private static RuntimeException repositoryFull(HostStep step, BackupInput input, IOException e) {
    String repository = step.instance().settings(BaseBackupConfig.class).repository();
    Optional<DiskFull.Room> room = repository.startsWith(FILE_SCHEME)
        ? DiskFull.roomOf(step.runner(), null, repository.substring(FILE_SCHEME.length()))
        : Optional.empty();
    return DiskFull.failure(Steps.TAKE_BACKUP, "taking a " + input.type() + " backup", repository,
        room, "The cluster is untouched; the unfinished backup has no backup.json and is removed"
            + " by the next backup: make room in the repository (or give it a larger file"
            + " system), then run the backup again", e.getMessage());
  }

  /**
   * After a crash: a backup the dead attempt finished (its backup.json is there) is the job's.
   * Otherwise what it left is removed: the objects of its backup, and the uploads it had begun,
   * which no listing shows but which hold the data sent so far. Every unfinished upload under the
   * instance's backups is the dead attempt's (or an earlier dead one's): this job holds the
   * host's turn, so no other backup of the instance is being written — and the dead attempt may
   * have died before a heartbeat carried its backup id.
   */
  private static Optional<TakenBackup> clearEarlierAttempt(HostStep step, ObjectStore store,
      TakeProgress earlier, long started) throws IOException {
    String id = earlier == null ? null : earlier.backupId();
    if (id != null) {
      Optional<BackupMeta> finished = new BaseBackupCatalog(store, step.instanceName()).backup(id);
      if (finished.isPresent()) {
        log().info("backup {} of the previous attempt ended before its worker died; it is this"
            + " job's backup", id);
        return Optional.of(taken(finished.get(), started, " (taken by the previous attempt)"));
      }
    }
    String backups = BaseBackupLayout.backupsPrefix(step.instanceName());
    int discarded = store.discardUnfinished(backups);
    if (discarded > 0) {
      log().warn("threw away {} unfinished uploads under {}, left by a worker that died",
          discarded, backups);
    }
    if (id != null) {
      for (var object : store.list(BaseBackupLayout.backupDir(step.instanceName(), id))) {
        log().warn("removing {} of backup {}, left unfinished by a worker that died",
            object.key(), id);
        store.delete(object.key());
      }
    }
    return Optional.empty();
  }

  /** backup.json first, so that a deletion cut short leaves no backup that looks whole. */
  @Override
  public String deleteBackup(HostStep step, String backupId) {
    String id = BaseBackupLayout.checkId(backupId);
    try (ObjectStore store = open(step)) {
      store.delete(BaseBackupLayout.meta(step.instanceName(), id));
      int objects = 1;
      for (var object : store.list(BaseBackupLayout.backupDir(step.instanceName(), id))) {
        store.delete(object.key());
        objects++;
      }
      return "deleted " + id + " (" + objects + " objects; archived WAL is kept)";
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "deleting backup " + id + ": "
          + e.getMessage());
    }
  }

  private static TakenBackup taken(BackupMeta meta, long started, String note) {
    return new TakenBackup(meta.id(), FULL, meta.storedBytes(), started,
        System.currentTimeMillis(), "basebackup " + meta.id() + ": "
            + BackupSizeWords.of(meta.storedBytes()) + " stored (" + meta.compression()
            + "), WAL " + meta.startLsn() + " .. " + meta.stopLsn() + note);
  }

  @Override
  public StepResult verifyBackup(HostStep step, BackupInput input, String backupId) {
    long started = System.currentTimeMillis();
    try (ObjectStore store = open(step)) {
      BackupMeta meta = new BaseBackupCatalog(store, step.instanceName()).backup(backupId)
          .orElseThrow(() -> Failures.of(FailureType.BACKUP_NOT_FOUND, "backup " + backupId
              + " has no backup.json in " + store.describe()));
      BaseBackupPlanner.checkObjects(store, step.instanceName(), meta);
      return new StepResult(Steps.VERIFY_BACKUP, started, System.currentTimeMillis(),
          "backup " + backupId + ": backup.json and " + meta.objects().size()
              + " objects with the recorded sizes");
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "VerifyBackup: " + e.getMessage());
    }
  }

  @Override
  public InstanceCatalog catalog(HostStep step) {
    try (ObjectStore store = open(step)) {
      return BaseBackupListing.of(step.instanceName(), store);
    } catch (IOException e) {
      throw Failures.of(FailureType.STORAGE_FAILED, "the repository of " + step.instanceName()
          + " cannot be read: " + e.getMessage());
    }
  }

  @Override
  public Object restoreStepActivities(HostServices services) {
    return new BaseBackupActivitiesImpl(services);
  }

  /** The instance's repository, with credentials from the worker's environment. */
  static ObjectStore open(HostStep step) {
    return ObjectStores.open(step.instance().settings(BaseBackupConfig.class), step.services()
        .environment());
  }

  /** Backups and restores read and write the data directory directly: on its host only. */
  static void requireLocalHost(HostStep step) {
    if (!HostConfig.LOCAL.equals(step.hostConfig().kind())) {
      throw Failures.of(FailureType.CONFIG_ERROR, "basebackup backups and restores read and"
          + " write the data directory directly: run the worker of host " + step.host()
          + " on it (it is reached over SSH)");
    }
  }

  /**
   * TakeBackup's heartbeat details: the id of the backup being taken, once it has one; the bytes
   * of tar pg_basebackup streamed so far, of about the data directory's size (0 until measured).
   * A payload of an older worker (id and line only) still reads.
   */
  public record TakeProgress(String backupId, String lastLine, long bytesDone, long bytesTotal) {

    public TakeProgress(String backupId, String lastLine) {
      this(backupId, lastLine, 0, 0);
    }

    /** The same progress, with {@code done} bytes streamed of about {@code total}. */
    TakeProgress withBytes(long done, long total) {
      return new TakeProgress(backupId, lastLine, total > 0 ? Math.min(done, total) : done,
          total);
    }
  }

  /**
   * Not a static field: the registry makes the engines while the config loads, before the CLI
   * has pointed Logback at its log directory.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(BaseBackupEngine.class);
  }
}
