package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.CountedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class DumpFetchesTest {

  @Test
  void aFetchSaysItsBytesOfTheDumpsSizeAndNothingOnceItEnded() throws Exception {
    DumpFetches fetches = new DumpFetches();
    assertEquals(0, fetches.total(), "no fetch yet");
    try (InputStream in = new CountedInputStream(new ByteArrayInputStream(new byte[3000]),
        fetches.begin(3000))) {
      in.readNBytes(1000);
      assertEquals(1000, fetches.done());
      assertEquals(3000, fetches.total());
      in.transferTo(OutputStream.nullOutputStream());
      assertEquals(3000, fetches.done());
    } finally {
      fetches.end();
    }
    assertEquals(0, fetches.total(), "pg_restore's passes have no byte figure: no bar at 100%");
    assertEquals(0, fetches.done());
    fetches.begin(500);
    assertEquals(0, fetches.done(), "the next dump starts from 0");
    assertEquals(500, fetches.total());
  }
}
