package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.CountedInputStream;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps one database into the store: the data of every table (a full), or, given the parent's
 * dump of that database, the schema and the data of the tables whose content differs (by
 * fingerprint, read in the dump's own snapshot). The dump streams from pg_dump into the store
 * through a SHA-256.
 */
final class DatabaseDumper {

  private final DumpRepository repository;
  private final DatabaseClient client;
  private final PgDumpConfig config;
  private final AtomicLong stored;

  /** @param stored adds the bytes of each dump as it is stored (for the step's heartbeat) */
  DatabaseDumper(DumpRepository repository, DatabaseClient client, PgDumpConfig config,
      AtomicLong stored) {
    this.repository = repository;
    this.client = client;
    this.config = config;
    this.stored = stored;
  }

  /**
   * Where a dump goes and what it is part of.
   *
   * @param dumpFile its file name; null = {@link PgDumpLayout#DUMP}
   */
  record Into(String id, String dir, String dumpFile, String reason, Instant startedAt,
      String jobId) {}

  /**
   * @param parent the dump of this database that an incremental builds on; null for a full
   * @return the dump's meta, not yet written (its end time is now)
   */
  DumpMeta dump(String database, DumpMeta parent, Into into, Consumer<String> progress,
      Clock clock) throws IOException, InterruptedException {
    String id = into.id();
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
      progress.accept((parent == null ? "full dump of " + database : "incremental dump of "
          + database + " on " + parent.id() + ": data of " + dumped.size()
          + " changed table(s), " + kept.size() + " unchanged") + " into "
          + repository.store().describe());
      String key = PgDumpLayout.dump(repository.instance(), into.dir(), id, into.dumpFile());
      Stored stored = dump(database, key, snapshot, kept);
      session.query("COMMIT;");
      return new DumpMeta(DumpMeta.FORMAT, id, repository.instance(),
          parent == null ? DumpMeta.FULL : DumpMeta.INCREMENTAL,
          parent == null ? null : parent.id(), into.reason(), into.startedAt().toString(),
          clock.instant().toString(), database, serverVersion, stored.bytes(), stored.sha256(),
          List.copyOf(states), List.copyOf(dumped), dropped, into.dir(), into.dumpFile(),
          into.jobId());
    }
  }

  record Stored(long bytes, String sha256) {}

  private Stored dump(String database, String key, String snapshot,
      List<Tables.Table> withoutData)
      throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(List.of("-Fc", "-Z" + config.compressLevel(),
        "--snapshot=" + snapshot));
    withoutData.forEach(table -> options.add("--exclude-table-data=" + table.pattern()));
    if (client.inContainer()) {
      return dumpInContainer(database, key, options);
    }
    Process process = client.start(client.connected("pg_dump", database, options));
    process.getOutputStream().close();
    List<String> errors = new ArrayList<>();
    Thread drain = new Thread(() -> collect(process.getErrorStream(), errors), "pg_dump-stderr");
    drain.start();
    MessageDigest sha256 = sha256();
    long bytes;
    try (InputStream out = new DigestInputStream(new CountedInputStream(
        process.getInputStream(), stored), sha256)) {
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
  private Stored dumpInContainer(String database, String key, List<String> options)
      throws IOException {
    Path staging = Path.of(config.stagingDir());
    Files.createDirectories(staging);
    Path file = staging.resolve(repository.instance() + "-" + key.hashCode() + ".pgdump");
    SafeTransfer.Transferred out = client.transfer().writeAndCopyOut(path -> client.connected(
        "pg_dump", database, concat(options, List.of("-f", path))), file.toString(),
        Duration.ofHours(24));
    try {
      MessageDigest sha256 = sha256();
      long bytes;
      try (InputStream in = new DigestInputStream(new CountedInputStream(
          Files.newInputStream(file), stored), sha256)) {
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

  static MessageDigest sha256() {
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
