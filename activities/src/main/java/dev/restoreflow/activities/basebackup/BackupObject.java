package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.Chunk;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One tarball of a backup.
 *
 * @param name the object's name in the backup's directory, e.g. {@code base.tar.zst}
 * @param size its stored (compressed) size
 * @param tarBytes the size of the tar stream inside; about the data directory's size
 * @param chunks restart points; empty for tarballs restoreflow did not write (one stream)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupObject(String name, long size, long tarBytes, List<Chunk> chunks) {

  public BackupObject {
    chunks = chunks == null ? List.of() : List.copyOf(chunks);
  }
}
