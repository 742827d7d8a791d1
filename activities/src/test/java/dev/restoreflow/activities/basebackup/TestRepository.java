package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A file:// repository with backups the test writes by hand (uncompressed, one stream). */
public final class TestRepository {

  public static final String INSTANCE = "main1";
  public static final String BACKUP_ID = "20261123T091500Z";

  private final Path root;

  public TestRepository(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Stores {@code tar} as the backup's base.tar and writes its backup.json (WAL from 0/2000028). */
  public BackupMeta putBackup(byte[] tar) throws IOException {
    Path backupDir = Files.createDirectories(
        root.resolve(BaseBackupLayout.backupDir(INSTANCE, BACKUP_ID)));
    Files.write(backupDir.resolve("base.tar"), tar);
    BackupMeta meta = new BackupMeta(BACKUP_ID, INSTANCE, "none", 1, 2, "0/2000028", "0/2000100",
        1, "restoreflow", List.of(new BackupObject("base.tar", tar.length, tar.length, List.of())));
    new ObjectMapper().writeValue(root.resolve(BaseBackupLayout.meta(INSTANCE, BACKUP_ID)).toFile(),
        meta);
    return meta;
  }

  /** An archived WAL file, under its key relative to the instance's wal/ prefix. */
  public void putWal(String name, String content) throws IOException {
    Path file = root.resolve(BaseBackupLayout.walPrefix(INSTANCE) + name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
