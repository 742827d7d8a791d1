package dev.restoreflow.activities.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySizeTest {

  @TempDir
  Path dir;

  @Test
  void aGrowingDirectoryIsMeasuredByDuAsItGrows() throws Exception {
    try (DirectorySize size = new DirectorySize(new LocalCommandRunner(Redactor.NONE),
        System.getProperty("user.name"), dir.toString(), Duration.ofHours(1))) {
      assertEquals(0, size.bytes(), "nothing measured yet");
      Files.write(dir.resolve("a"), new byte[1 << 20]);
      size.sample();
      long first = size.bytes();
      assertTrue(first >= 1 << 20 && first < (1 << 20) + 64 * 1024, "1 MiB and the directory: "
          + first);
      Files.createDirectories(dir.resolve("base/1"));
      Files.write(dir.resolve("base/1/b"), new byte[3 << 20]);
      size.sample();
      assertTrue(size.bytes() >= first + (3 << 20), "grew by 3 MiB: " + size.bytes());
    }
  }

  @Test
  void aFailedMeasurementKeepsTheLastOne() throws Exception {
    Files.write(dir.resolve("a"), new byte[4096]);
    try (DirectorySize size = new DirectorySize(new LocalCommandRunner(Redactor.NONE),
        System.getProperty("user.name"), dir.toString(), Duration.ofHours(1))) {
      size.sample();
      long measured = size.bytes();
      assertTrue(measured >= 4096, "measured " + measured);
      Files.delete(dir.resolve("a"));
      Files.delete(dir);
      size.sample();
      assertEquals(measured, size.bytes(), "du of a missing directory prints no total");
    }
  }

  @Test
  void duTotalsAreReadEvenWhenFilesVanishedMeanwhile() {
    assertEquals(23714056L, DirectorySize.firstNumber("du: cannot access 'x': No such file\n"
        + "23714056\t/var/lib/postgresql/15/main\n", 0));
    assertEquals(7L, DirectorySize.firstNumber("", 7));
  }
}
