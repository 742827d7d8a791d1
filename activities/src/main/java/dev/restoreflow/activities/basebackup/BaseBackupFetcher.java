package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.Chunk;
import dev.restoreflow.activities.archive.Compression;
import dev.restoreflow.activities.archive.ConfinedDirectory;
import dev.restoreflow.activities.archive.CorruptObjectException;
import dev.restoreflow.activities.archive.ParallelChunkReader;
import dev.restoreflow.activities.archive.RangeReader;
import dev.restoreflow.activities.archive.TarExtractor;
import dev.restoreflow.activities.archive.TarReader;
import dev.restoreflow.activities.archive.UnsafePathException;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of FetchS3: every tarball of a backup streamed from the repository (parallel ranged
 * GETs), decompressed and extracted straight into the data directory, resuming at a restart
 * point; then the archived WAL the recovery needs, into pg_wal.
 */
public final class BaseBackupFetcher {

  private static final Logger log = LoggerFactory.getLogger(BaseBackupFetcher.class);

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
    ConfinedDirectory data = ConfinedDirectory.ownedLikeRoot(pgdata);
    TarExtractor extractor = new TarExtractor(data, PgControlLast.writtenAs());
    for (int i = from.object(); i < meta.objects().size(); i++) {
      BackupObject object = meta.objects().get(i);
      FetchCheckpoint start = i == from.object() ? from : new FetchCheckpoint(i, 0, null, 0, 0, 0,
          downloaded.get());
      fetchObject(instance, meta, i, object, start, extractor, downloaded, progress);
      progress.checkpoint(new FetchCheckpoint(i + 1, 0, null, 0, 0, 0, downloaded.get()));
    }
    int wal;
    try {
      wal = prefetchWal(instance, meta, walUpTo, data, downloaded);
    } catch (UnsafePathException e) {
      throw e.in("prefetching WAL into pg_wal");
    }
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
      inside = new TarReader.Entry(start.entryName(), '0', start.entrySize(), start.entryMode(),
          "");
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
        throw new CorruptObjectException("decompresses to " + end
            + " bytes of tar, backup.json says "
            + object.tarBytes() + ": the object is corrupt");
      }
    } catch (UnsafePathException e) {
      throw e.in(key);
    } catch (CorruptObjectException e) {
      throw new CorruptObjectException(key + ": " + e.getMessage(), e);
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
   * there with the same size (an earlier attempt) are kept. The names come from the bucket's
   * listing, so only a segment's or a history file's name is ever made a path.
   */
  int prefetchWal(String instance, BackupMeta meta, String upTo, ConfinedDirectory data,
      AtomicLong downloaded) throws IOException {
    String first = WalNames.segmentOf(meta.timeline(), meta.startLsn());
    Path pgWal = data.directory(data.resolve("pg_wal"));
    String prefix = BaseBackupLayout.walPrefix(instance);
    int count = 0;
    for (StoredObject object : store.list(prefix)) {
      String name = object.key().substring(prefix.length());
      boolean segment = WalNames.isSegment(name);
      if (!segment && !WalNames.isHistory(name)) {
        if (!BaseBackupLayout.WAL_FILE.matcher(name).matches()) {
          log.warn("ignoring '{}' in the WAL archive {}: not a WAL segment or history file name",
              printable(object.key()), store.describe());
        }
        continue;
      }
      boolean wanted = !segment || (name.startsWith(first.substring(0, 8))
          && name.compareTo(first) >= 0 && (upTo == null || name.compareTo(upTo) <= 0));
      if (!wanted) {
        continue;
      }
      Path target = pgWal.resolve(name);
      if (data.regularFileSize(target) == object.size()) {
        continue;
      }
      try (InputStream in = new RangeReader(store, object.key(), 0, object.size(),
          config.partSizeMiB() << 20, config.parallelDownloads(), downloaded)) {
        data.replaceFile(target, in, object.size());
      }
      count++;
    }
    return count;
  }

  private static String printable(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }
}
