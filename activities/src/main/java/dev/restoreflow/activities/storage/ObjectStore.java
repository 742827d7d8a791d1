package dev.restoreflow.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A repository of backup objects: an S3 bucket prefix or a local directory. Keys are relative to
 * the repository root, {@code /}-separated, and checked by {@link ObjectKeys}.
 */
public interface ObjectStore extends AutoCloseable {

  /** Objects whose key starts with {@code prefix}, sorted by key. */
  List<StoredObject> list(String prefix) throws IOException;

  Optional<StoredObject> stat(String key) throws IOException;

  /**
   * Bytes {@code [from, to)} of the object, as they arrive: not retried, and from S3 a body cut
   * short can look like the object's end. Restores read with {@link #readRange}.
   */
  InputStream read(String key, long from, long to) throws IOException;

  /**
   * Bytes {@code [from, to)} of the object, in memory (a range of a few MiB): fewer only when the
   * object ends before {@code to}. A transfer that breaks off, stalls or ends early is asked for
   * again (S3: by the client's retries), so the bytes are the object's, never a cut-off prefix.
   */
  default byte[] readRange(String key, long from, long to) throws IOException {
    try (InputStream in = read(key, from, to)) {
      return in.readNBytes(Math.toIntExact(Math.max(0, to - from)));
    }
  }

  /**
   * Stores everything {@code data} yields under {@code key}, streaming (multipart for S3): no
   * temp file, and the object appears only when complete.
   *
   * @return the number of bytes stored
   */
  long write(String key, InputStream data) throws IOException;

  /** Removes the object if it is there. */
  void delete(String key) throws IOException;

  /**
   * Throws away what writes under {@code prefix} that never completed left behind (their writer
   * died): {@link #list} does not show it, but it takes room (S3 multipart uploads and their
   * parts, partial files). Only for a prefix nothing is writing to.
   *
   * @return how many unfinished writes were thrown away
   */
  int discardUnfinished(String prefix) throws IOException;

  /** Where this store is, for messages; never contains a secret. */
  String describe();

  @Override
  void close();
}
