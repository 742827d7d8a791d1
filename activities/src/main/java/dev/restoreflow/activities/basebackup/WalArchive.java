package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** An instance's archived WAL in its repository: what {@code archive_command} puts there. */
public final class WalArchive {

  /** What a push did. */
  public enum Pushed { STORED, ALREADY_THERE }

  private final ObjectStore store;
  private final String instance;

  public WalArchive(ObjectStore store, String instance) {
    this.store = store;
    this.instance = instance;
  }

  /**
   * Archives one WAL file. PostgreSQL may archive a file again after a crash: the same size
   * already stored counts as done; a different size is an error, never an overwrite.
   */
  public Pushed push(Path file) throws IOException {
    String name = file.getFileName().toString();
    String key = BaseBackupLayout.wal(instance, name);
    long size = Files.size(file);
    Optional<StoredObject> existing = store.stat(key);
    if (existing.isPresent()) {
      if (existing.get().size() == size) {
        return Pushed.ALREADY_THERE;
      }
      throw new IOException("WAL file " + name + " is archived already with " + existing.get().size()
          + " bytes, this one has " + size + "; refusing to overwrite it (two clusters archiving"
          + " into the same instance?)");
    }
    try (InputStream in = Files.newInputStream(file)) {
      store.write(key, in);
    }
    return Pushed.STORED;
  }
}
