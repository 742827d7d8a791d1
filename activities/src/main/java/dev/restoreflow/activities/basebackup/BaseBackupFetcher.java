package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.config.BaseBackupConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work of FetchS3: every tarball of a backup streamed from the repository (parallel ranged
 * GETs), decompressed and extracted straight into the data directory, resuming at a restart
 * point; then the archived WAL the recovery needs, into pg_wal.
 */
public final class BaseBackupFetcher {

  /** Told of every durable restart point reached. */
  public interface Progress {
    void checkpoint(FetchCheckpoint checkpoint) throws IOException;
  }

  /**
   * What a fetch did. {@code checksums}: CRC-32C of the files this attempt wrote whole, by path
   * relative to the data directory, for {@link ManifestCheck}.
   */
  public record Fetched(long downloaded, long filesWritten, long bytesWritten, int walFiles,
      FetchCheckpoint resumedFrom, Map<String, Integer> checksums) {}

  private final ObjectStore store;
  private final BaseBackupConfig config;
  private final Path pgdata;

  public BaseBackupFetcher(ObjectStore store, BaseBackupConfig config, Path pgdata) {
    this.store = store;
    this.config = config;
    this.pgdata = pgdata;
  }

  /** @param downloaded counts every byte received (the caller's total across attempts) */
  public Fetched fetch(String instance, BackupMeta meta, FetchCheckpoint from, String walUpTo,
      AtomicLong downloaded, Progress progress) throws IOException {
    PosixFileAttributes dir = Files.readAttributes(pgdata, PosixFileAttributes.class);
    UserPrincipal owner = dir.owner();
    GroupPrincipal group = dir.group();
    TarExtractor extractor = new TarExtractor(pgdata, owner, group);
    for (int i = from.object(); i < meta.objects().size(); i++) {
      BackupObject object = meta.objects().get(i);
      FetchCheckpoint start = i == from.object() ? from : new FetchCheckpoint(i, 0, null, 0, 0, 0,
          downloaded.get());
      fetchObject(instance, meta, i, object, start, extractor, downloaded, progress);
      progress.checkpoint(new FetchCheckpoint(i + 1, 0, null, 0, 0, 0, downloaded.get()));
    }
    int wal = prefetchWal(instance, meta, walUpTo, owner, group, downloaded);
    return new Fetched(downloaded.get(), extractor.filesWritten(), extractor.bytesWritten(), wal,
        from, extractor.checksums());
  }

  private void fetchObject(String instance, BackupMeta meta, int index, BackupObject object,
      FetchCheckpoint start, TarExtractor extractor, AtomicLong downloaded, Progress progress)
      throws IOException {
    String key = BaseBackupLayout.backupDir(instance, meta.id()) + object.name();
    Compression compression = Compression.ofFileName(object.name());
    List<Chunk> chunks = object.chunks().isEmpty() ? List.of(new Chunk(0, 0)) : object.chunks();
    int startChunk = Math.min(start.chunk(), chunks.size() - 1);
    Chunk first = chunks.get(startChunk);
    List<long[]> boundaries = new ArrayList<>();
    for (int c = startChunk + 1; c < chunks.size(); c++) {
      boundaries.add(new long[] {chunks.get(c).tarOffset(), c});
    }
    TarReader.Entry inside = null;
    if (start.insideEntry() && startChunk == start.chunk()) {
      inside = new TarReader.Entry(start.entryName(), '0', start.entrySize(), start.entryMode(), "");
    }
    try (InputStream tarStream = tarStream(key, object, compression, chunks, startChunk,
        downloaded)) {
      TarReader tar = new TarReader(tarStream, first.tarOffset());
      if (inside != null) {
        tar.resumeInside(inside, start.entryDataStart() + start.entrySize() - first.tarOffset());
      }
      extractor.extract(tar, inside, start.entryDataStart(), boundaries, position ->
          progress.checkpoint(new FetchCheckpoint(index, position.chunk(),
              position.entry() == null ? null : position.entry().name(),
              position.entry() == null ? 0 : position.entry().size(),
              position.entry() == null ? 0 : position.entry().mode(),
              position.entryDataStart(), downloaded.get())));
      // the rest after the end marker: reading it makes the decompressor check the last
      // checksums, and the total must be the tar stream's size backup.json records
      long end = tar.position() + tarStream.transferTo(OutputStream.nullOutputStream());
      if (object.tarBytes() > 0 && end != object.tarBytes()) {
        throw new IOException("decompresses to " + end + " bytes of tar, backup.json says "
            + object.tarBytes() + ": the object is corrupt");
      }
    } catch (IOException e) {
      throw new IOException(key + ": " + e.getMessage(), e);
    }
  }

  /** Chunks restoreflow wrote decompress in parallel; a foreign tarball is one stream. */
  private InputStream tarStream(String key, BackupObject object, Compression compression,
      List<Chunk> chunks, int startChunk, AtomicLong downloaded) throws IOException {
    if (!object.chunks().isEmpty() && object.tarBytes() > 0) {
      return new ParallelChunkReader(store, key, compression, chunks, startChunk, object.size(),
          object.tarBytes(), config.parallelDownloads(), downloaded);
    }
    RangeReader range = new RangeReader(store, key, chunks.get(startChunk).storedOffset(),
        object.size(), config.partSizeMiB() << 20, config.parallelDownloads(), downloaded);
    try {
      return compression.decompress(range);
    } catch (IOException e) {
      range.close();
      throw e;
    }
  }

  /**
   * The archived WAL from the backup's start segment on (its timeline), up to {@code upTo}
   * (a segment name; null = all), and the timeline history files, into pg_wal. Files already
   * there with the same size (an earlier attempt) are kept.
   */
  private int prefetchWal(String instance, BackupMeta meta, String upTo, UserPrincipal owner,
      GroupPrincipal group, AtomicLong downloaded) throws IOException {
    String first = WalNames.segmentOf(meta.timeline(), meta.startLsn());
    Path pgWal = pgdata.resolve("pg_wal");
    Files.createDirectories(pgWal);
    int count = 0;
    for (StoredObject object : store.list(BaseBackupLayout.walPrefix(instance))) {
      String name = object.key().substring(BaseBackupLayout.walPrefix(instance).length());
      boolean history = name.endsWith(".history");
      boolean wanted = history || (name.length() == 24 && name.startsWith(first.substring(0, 8))
          && name.compareTo(first) >= 0 && (upTo == null || name.compareTo(upTo) <= 0));
      if (!wanted) {
        continue;
      }
      Path target = pgWal.resolve(name);
      if (Files.isRegularFile(target) && Files.size(target) == object.size()) {
        continue;
      }
      Path partial = pgWal.resolve(name + ".restoreflow-partial");
      try (InputStream in = store.read(object.key(), 0, object.size());
          FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE,
              StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        long n = in.transferTo(Channels.newOutputStream(out));
        downloaded.addAndGet(n);
        if (n != object.size()) {
          throw new IOException("WAL file " + name + " came back with " + n + " of " + object.size()
              + " bytes");
        }
        out.force(true);
      }
      PosixFileAttributeView view = Files.getFileAttributeView(partial, PosixFileAttributeView.class);
      view.setOwner(owner);
      view.setGroup(group);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      count++;
    }
    return count;
  }
}
