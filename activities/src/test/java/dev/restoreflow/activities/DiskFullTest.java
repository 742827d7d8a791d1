package dev.restoreflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiskFullTest {

  @Test
  void aFullDiskIsFoundAnywhereInTheCauseChain() {
    // what FileChannel.write throws on ENOSPC, wrapped as BaseBackupFetcher wraps it
    IOException write = new IOException("No space left on device");
    IOException wrapped = new IOException("main1/backups/x/base.tar.zst: " + write.getMessage(),
        write);
    assertTrue(DiskFull.causedBy(wrapped));
    assertTrue(DiskFull.causedBy(new UncheckedIOException(new IOException("x", write))));
    assertTrue(DiskFull.causedBy(new FileSystemException("/pgdata/base/1/1259", null,
        "Disk quota exceeded")));
  }

  @Test
  void otherWriteErrorsAreNotAFullDisk() {
    assertFalse(DiskFull.causedBy(new IOException("Connection reset")));
    assertFalse(DiskFull.causedBy(new FileSystemException("/pgdata/x", null,
        "Permission denied")));
    assertFalse(DiskFull.causedBy(new IOException((String) null)));
  }

  @Test
  void pgProbackupsWriteErrorIsAFullDisk() {
    assertTrue(DiskFull.saysNoSpace("INFO: Progress: (12/40). Restore file \"base/5/1259\"\n"
        + "ERROR: Cannot write block 3 of \"/pg/main1/base/5/1259\": No space left on device\n"));
    assertFalse(DiskFull.saysNoSpace("ERROR: Backup ABC is corrupt\n"));
    assertFalse(DiskFull.saysNoSpace(null));
  }

  @Test
  void anyCommandThatFindsItsFileSystemFullIsDiskFullNotRetried() {
    Command marker = Command.of(List.of("dd", "of=/var/lib/pg/main.restoreflow-incomplete"), null,
        Duration.ofSeconds(30));
    ApplicationFailure failure = Failures.ofCommand("FetchS3", new CommandFailedException(marker,
        new CommandResult(1, "", "dd: error writing '/var/lib/pg/main.restoreflow-incomplete':"
            + " No space left on device\n", 5)));
    assertEquals(FailureType.DISK_FULL.name(), failure.getType());
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.COMMAND_FAILED.name(), Failures.ofCommand("FetchS3",
        new CommandFailedException(marker, new CommandResult(1, "", "dd: Permission denied", 5)))
        .getType());
  }

  @Test
  void dfOutputGivesFreeBytesSizeAndMountPoint() {
    assertEquals(Optional.of(new DiskFull.Room(4096, 67108864, "/var/tmp/small fs")),
        DiskFull.parseDf("      Avail    1B-blocks Mounted on\n"
            + "       4096     67108864 /var/tmp/small fs\n"));
    assertEquals(Optional.empty(), DiskFull.parseDf(""));
    assertEquals(Optional.empty(), DiskFull.parseDf("Avail 1B-blocks Mounted on\n- - /\n"));
  }

  @Test
  void theFailureIsPermanentAndSaysWhatWhereHowMuchAndWhatToDo() {
    ApplicationFailure failure = DiskFull.failure("FetchS3", "restoring basebackup B1",
        "/var/lib/pg/main", Optional.of(new DiskFull.Room(8192, 1 << 30, "/var/lib/pg")),
        "The data directory holds a partial restore: run a full restore",
        "No space left on device");
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.DISK_FULL.name(), failure.getType());
    assertEquals("FetchS3: no space left on device while restoring basebackup B1 into"
        + " /var/lib/pg/main; its file system (mounted on /var/lib/pg) has 8.0 KiB free of"
        + " 1.0 GiB. The data directory holds a partial restore: run a full restore (No"
        + " space left on device)", failure.getOriginalMessage());
  }
}
