package dev.restoreflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CountedInputStreamTest {

  @Test
  void everyByteReadOrSkippedIsCountedOnce() throws Exception {
    AtomicLong count = new AtomicLong(5);
    try (InputStream in = new CountedInputStream(new ByteArrayInputStream(new byte[100]), count)) {
      in.read();
      assertEquals(6, count.get());
      in.read(new byte[10], 0, 10);
      assertEquals(16, count.get());
      in.skip(4);
      assertEquals(20, count.get());
      in.transferTo(java.io.OutputStream.nullOutputStream());
      assertEquals(105, count.get());
      assertEquals(-1, in.read());
      assertEquals(105, count.get(), "the end adds nothing");
    }
  }

  @Test
  void aSizeReadsForPeopleAndExactly() {
    assertEquals("25.7 MiB (26,970,265 bytes)", BackupSizeWords.of(26_970_265));
    assertEquals("512 B (512 bytes)", BackupSizeWords.of(512));
  }

  @Test
  void aStepsBytesNeverGoPastTheirTotal() {
    assertEquals(new WordsAndBytes("x", 10, 10), WordsAndBytes.of("x", 12, 10));
    assertEquals(new WordsAndBytes("x", 12, 0), WordsAndBytes.of("x", 12, 0),
        "no total: a count that grows");
    assertEquals(new WordsAndBytes("x", 0, 0), WordsAndBytes.words("x"));
  }
}
