package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.container.SafeTransfer;
import dev.restoreflow.activities.retention.BackupType;
import dev.restoreflow.activities.retention.BackupTypeDecision;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup: of the instance's database, or of every database and the globals (see
 * {@link DatabaseDumper} for each database's dump, full or incremental). meta.json is written
 * last: until it is, the backup does not exist.
 */
final class DumpTaker {

  private static final Logger log = LoggerFactory.getLogger(DumpTaker.class);

  private final DumpRepository repository;
  private final DatabaseClient client;
  private final InstanceConfig instance;
  private final PgDumpConfig config;
  private final Clock clock;
  /** Bytes of dumps stored so far, for the step's heartbeat. */
  private final AtomicLong stored = new AtomicLong();

  DumpTaker(DumpRepository repository, DatabaseClient client, InstanceConfig instance,
      Clock clock) {
    this.repository = repository;
    this.client = client;
    this.instance = instance;
    this.config = instance.settings(PgDumpConfig.class);
    this.clock = clock;
  }

  /** What a backup job asks for: the plan's type, and the name and place the user chose. */
  record Options(String type, String name, String dir, boolean force, String jobId) {}

  /**
   * @param options the plan's type ({@code full} or {@code incremental}), and a name, directory
   *     and replacement as {@link DumpSlot} allows them
   * @param started told the id before anything is written
   * @throws DumpSlot.RefusedException for a name or replacement the backups there refuse
   */
  DumpMeta take(Options options, Consumer<String> started, Consumer<String> progress)
      throws IOException, InterruptedException {
    int cleared = repository.clearUnfinished();
    if (cleared > 0) {
      log.info("cleared {} object(s) an earlier attempt left", cleared);
    }
    List<DumpMeta> existing = repository.backups();
    DumpSlot slot = DumpSlot.of(existing, options.name(), options.dir(), options.force(),
        options.jobId());
    if (slot.done().isPresent()) {
      log.info("backup {} was taken by an earlier attempt of job {}", options.name(),
          options.jobId());
      return slot.done().get();
    }
    Instant startedAt = clock.instant();
    String secondsId = PgDumpLayout.newBackupId(startedAt);
    if (options.name() == null && existing.stream().anyMatch(m -> m.id().equals(secondsId))) {
      // ids are the start second: a backup right after another waits for the next one
      Thread.sleep(1000 - startedAt.toEpochMilli() % 1000);
      startedAt = clock.instant();
    }
    List<DumpMeta> candidates = slot.candidates();
    BackupTypeDecision asked = DumpDecisions.decide(candidates, config, options.type(),
        startedAt);
    BackupTypeDecision auto = DumpDecisions.decide(candidates, config, "auto", startedAt);
    String reason = (asked.type() == auto.type() ? auto.reason() : asked.reason())
        + slot.where();
    DumpMeta parent = asked.type() == BackupType.FULL ? null : candidates.stream()
        .filter(m -> m.id().equals(asked.parentId())).findFirst().orElseThrow();
    String id = options.name() != null ? options.name() : PgDumpLayout.newBackupId(startedAt);
    if (options.name() == null && repository.backup(id).isPresent()) {
      throw new IOException("backup " + id + " exists already (two backups in one second);"
          + " try again");
    }
    started.accept(id);
    DumpMeta meta = config.allDatabases()
        ? dumpCluster(id, parent, reason, startedAt, options, replacedAt(slot, startedAt),
            progress)
        : dumpDatabase(id, parent, reason, startedAt, options, replacedAt(slot, startedAt),
            progress);
    repository.write(meta);
    if (slot.replaced().isPresent()) {
      for (String key : slot.replaced().get().objectKeys()) {
        if (!meta.objectKeys().contains(key)) {
          repository.deleteObject(key);
        }
      }
      log.info("backup {} replaced (its former dumps deleted)", id);
    }
    return meta;
  }

  /** A replacement's files go beside the old ones, which stay until the new meta.json is in. */
  private static String replacedAt(DumpSlot slot, Instant startedAt) {
    return slot.replaced().isEmpty() ? null : "-" + startedAt.toEpochMilli();
  }

  /** The instance's database; an incremental builds on the parent's dump of it. */
  private DumpMeta dumpDatabase(String id, DumpMeta parent, String reason, Instant startedAt,
      Options options, String replacement, Consumer<String> progress)
      throws IOException, InterruptedException {
    String database = config.database();
    DumpMeta parentDump = parent == null ? null : parent.part(database).orElse(null);
    if (parent != null && parentDump == null) {
      reason = "full: backup " + parent.id() + " does not hold database " + database;
    }
    String dumpFile = replacement == null ? null : "dump" + replacement + ".pgdump";
    return dumper().dump(database, parentDump, new DatabaseDumper.Into(id, options.dir(),
        dumpFile, reason, startedAt, options.jobId()), progress, clock);
  }

  /**
   * Every database and the globals. Each database's dump builds on the parent's dump of it; a
   * database the parent does not have is dumped whole.
   */
  private DumpMeta dumpCluster(String id, DumpMeta parent, String reason, Instant startedAt,
      Options options, String replacement, Consumer<String> progress)
      throws IOException, InterruptedException {
    List<String> databases;
    ClusterGlobals globals;
    String serverVersion;
    try (PsqlSession session = PsqlSession.open(client, "template1")) {
      serverVersion = session.value("show server_version;");
      databases = ClusterDatabases.list(session, config);
      globals = ClusterGlobals.read(session);
    }
    progress.accept("globals: " + globals.roles().size() + " role(s)");
    String globalsFile = "globals" + (replacement == null ? "" : replacement) + ".json";
    DatabaseDumper.Stored storedGlobals = storeGlobals(PgDumpLayout.globals(
        repository.instance(), options.dir(), id, globalsFile), globals);
    List<DumpMeta> parts = new ArrayList<>();
    for (int i = 0; i < databases.size(); i++) {
      String database = databases.get(i);
      DumpMeta parentDump = parent == null ? null : parent.part(database).orElse(null);
      String partReason = parent != null && parentDump == null
          ? "full: database " + database + " is new since " + parent.id() : reason;
      String dumpFile = "db-" + (i + 1) + (replacement == null ? "" : replacement) + ".pgdump";
      parts.add(dumper().dump(database, parentDump, new DatabaseDumper.Into(id, options.dir(),
          dumpFile, partReason, startedAt, options.jobId()), progress, clock));
    }
    List<String> gone = parent == null ? List.of() : parent.parts().stream()
        .map(DumpMeta::database).filter(d -> !databases.contains(d)).toList();
    long bytes = storedGlobals.bytes() + parts.stream().mapToLong(DumpMeta::bytes).sum();
    return new DumpMeta(DumpMeta.CLUSTER_FORMAT, id, repository.instance(),
        parent == null ? DumpMeta.FULL : DumpMeta.INCREMENTAL,
        parent == null ? null : parent.id(),
        reason + (gone.isEmpty() ? "" : "; no longer in the cluster: " + gone),
        startedAt.toString(), clock.instant().toString(), null, serverVersion, bytes,
        storedGlobals.sha256(), List.of(), List.of(), List.of(), options.dir(), null,
        options.jobId(), List.copyOf(parts), new DumpMeta.GlobalsFile(globalsFile,
            storedGlobals.bytes(), storedGlobals.sha256(), globals.roles().size()));
  }

  private DatabaseDumper.Stored storeGlobals(String key, ClusterGlobals globals)
      throws IOException {
    byte[] json = globals.toJson();
    MessageDigest sha256 = DatabaseDumper.sha256();
    long bytes = repository.store().write(key, new DigestInputStream(
        new java.io.ByteArrayInputStream(json), sha256));
    return new DatabaseDumper.Stored(bytes, HexFormat.of().formatHex(sha256.digest()));
  }

  private DatabaseDumper dumper() {
    return new DatabaseDumper(repository, client, config, stored);
  }

  /**
   * The bytes of dumps stored so far (growing while pg_dump writes; a dump made in a container
   * counts once it is copied out). pg_dump's compressed output has no known ratio to the
   * database's size, so this is a count for the rate, not a part of a total.
   */
  long bytesStored() {
    return stored.get();
  }
}
