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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one dump: a full holds every table's data; an incremental holds the schema and the data
 * of the tables whose content differs from its parent's (by fingerprint, read in the dump's own
 * snapshot), and says which tables it no longer has. The dump streams from pg_dump into the
 * store through a SHA-256; meta.json is written last.
 */
final class DumpTaker {

  private static final Logger log = LoggerFactory.getLogger(DumpTaker.class);

  private final DumpRepository repository;
  private final DatabaseClient client;
  private final InstanceConfig instance;
  private final PgDumpConfig config;
  private final Clock clock;

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
    // a replacement's dump goes beside the old one, which stays until the new meta.json is in
    String dumpFile = slot.replaced().isEmpty() ? null
        : "dump-" + startedAt.toEpochMilli() + ".pgdump";
    started.accept(id);
    String database = config.database();
    try (PsqlSession session = PsqlSession.open(client, database)) {
      session.query(PsqlSession.STABLE_OUTPUT
          + " BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;");
      String snapshot = session.value("select pg_export_snapshot();");
      String serverVersion = session.value("show server_version;");
      List<Tables.Table> tables = Tables.list(session);
      progress.accept("fingerprinting " + tables.size() + " table(s) of " + database
          + " in snapshot " + snapshot);
      Map<String, TableState> before = parent == null ? Map.of() : parent.tables().stream()
          .collect(Collectors.toMap(TableState::name, Function.identity()));
      List<TableState> states = new ArrayList<>();
      List<String> dumped = new ArrayList<>();
      List<Tables.Table> kept = new ArrayList<>();
      for (Tables.Table table : tables) {
        TableState now = Tables.state(session, table, id);
        TableState then = before.get(now.name());
        if (now.sameContent(then)) {
          states.add(now.heldBy(then.dataIn()));
          kept.add(table);
        } else {
          states.add(now);
          dumped.add(now.name());
        }
      }
      List<String> dropped = before.keySet().stream()
          .filter(name -> states.stream().noneMatch(s -> s.name().equals(name))).sorted().toList();
      progress.accept((parent == null ? "full dump" : "incremental dump on " + parent.id()
          + ": data of " + dumped.size() + " changed table(s), " + kept.size() + " unchanged")
          + " into " + repository.store().describe());
      String key = PgDumpLayout.dump(repository.instance(), options.dir(), id, dumpFile);
      Stored stored = dump(key, snapshot, kept);
      session.query("COMMIT;");
      DumpMeta meta = new DumpMeta(DumpMeta.FORMAT, id, repository.instance(),
          parent == null ? DumpMeta.FULL : DumpMeta.INCREMENTAL,
          parent == null ? null : parent.id(), reason, startedAt.toString(),
          clock.instant().toString(), database, serverVersion, stored.bytes(), stored.sha256(),
          List.copyOf(states), List.copyOf(dumped), dropped, options.dir(), dumpFile,
          options.jobId());
      repository.write(meta);
      if (slot.replaced().isPresent()) {
        repository.deleteObject(slot.replaced().get().dumpKey());
        log.info("backup {} replaced (its former dump deleted)", id);
      }
      return meta;
    }
  }

  private record Stored(long bytes, String sha256) {}

  private Stored dump(String key, String snapshot, List<Tables.Table> withoutData)
      throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(List.of("-Fc", "-Z" + config.compressLevel(),
        "--snapshot=" + snapshot));
    withoutData.forEach(table -> options.add("--exclude-table-data=" + table.pattern()));
    if (client.inContainer()) {
      return dumpInContainer(key, options);
    }
    Process process = client.start(client.connected("pg_dump", config.database(), options));
    process.getOutputStream().close();
    List<String> errors = new ArrayList<>();
    Thread drain = new Thread(() -> collect(process.getErrorStream(), errors), "pg_dump-stderr");
    drain.start();
    MessageDigest sha256 = sha256();
    long bytes;
    try (InputStream out = new DigestInputStream(process.getInputStream(), sha256)) {
      bytes = repository.store().write(key, out);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("pg_dump did not exit after its output ended");
    }
    drain.join(10_000);
    if (process.exitValue() != 0) {
      repository.store().delete(key);
      throw new IOException("pg_dump exited " + process.exitValue() + ": "
          + String.join(" | ", errors.subList(Math.max(0, errors.size() - 5), errors.size())));
    }
    return new Stored(bytes, HexFormat.of().formatHex(sha256.digest()));
  }

  /**
   * In a container the dump is written to a file inside, copied out and checked (size and
   * SHA-256 inside against what arrived: streams out of kubectl exec can end early with exit
   * status 0), then stored from the host and checked once more.
   */
  private Stored dumpInContainer(String key, List<String> options) throws IOException {
    Path staging = Path.of(config.stagingDir());
    Files.createDirectories(staging);
    Path file = staging.resolve(repository.instance() + "-" + key.hashCode() + ".pgdump");
    SafeTransfer.Transferred out = client.transfer().writeAndCopyOut(path -> client.connected(
        "pg_dump", config.database(), concat(options, List.of("-f", path))), file.toString(),
        Duration.ofHours(24));
    try {
      MessageDigest sha256 = sha256();
      long bytes;
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
        bytes = repository.store().write(key, in);
      }
      String stored = HexFormat.of().formatHex(sha256.digest());
      if (bytes != out.bytes() || !stored.equals(out.sha256())) {
        repository.store().delete(key);
        throw new IOException("the dump changed on its way into " + repository.store().describe()
            + ": " + bytes + " bytes, SHA-256 " + stored + "; it came out of "
            + client.where() + " as " + out.bytes() + " bytes, " + out.sha256());
      }
      return new Stored(bytes, stored);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void collect(InputStream stream, List<String> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream,
        StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        synchronized (lines) {
          if (lines.size() < 1000) {
            lines.add(line);
          }
        }
      }
    } catch (IOException ignored) {
      // the process is gone; what it said is kept
    }
  }
}
