package dev.restoreflow.activities.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectorySizeTest {

  @TempDir
  Path pgdata;

  @Test
  void aDataDirectorysDataIsMeasuredWithoutItsWal() throws Exception {
    Files.createDirectories(pgdata.resolve("pg_wal"));
    Files.write(pgdata.resolve("pg_wal/000000010000000000000001"), new byte[16 << 20]);
    Files.createDirectories(pgdata.resolve("base/1"));
    Files.write(pgdata.resolve("base/1/1259"), new byte[1 << 20]);
    try (DirectorySize size = new DirectorySize(new LocalCommandRunner(Redactor.NONE),
        System.getProperty("user.name"), () -> ClusterCommands.dataBytes(pgdata.toString()),
        Duration.ofHours(1))) {
      size.sample();
      assertTrue(size.bytes() >= 1 << 20 && size.bytes() < (1 << 20) + 64 * 1024,
          "the 1 MiB relation and directories, not the 16 MiB of WAL: " + size.bytes());
    }
  }

  @Test
  void nothingIsMeasuredUntilThereIsSomethingToMeasure() throws Exception {
    Files.write(pgdata.resolve("a"), new byte[8192]);
    AtomicReference<List<String>> du = new AtomicReference<>();
    try (DirectorySize size = new DirectorySize(new LocalCommandRunner(Redactor.NONE),
        System.getProperty("user.name"), du::get, Duration.ofHours(1))) {
      size.sample();
      assertEquals(0, size.bytes(), "no directory named yet");
      du.set(ClusterCommands.usedBytes(pgdata.toString()));
      size.sample();
      assertTrue(size.bytes() >= 8192, "measured once named: " + size.bytes());
    }
  }
}
