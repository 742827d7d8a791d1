package dev.restoreflow.activities.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives written by GNU tar, read back through each decompressor. */
class TarReaderTest {

  @TempDir
  Path dir;

  @Test
  void readsWhatGnuTarWritesThroughEveryCompression() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    byte[] big = new byte[3_000_001];
    new Random(7).nextBytes(big);
    Files.write(src.resolve("big"), big);
    Files.writeString(src.resolve("PG_VERSION"), "15\n");
    Files.createFile(src.resolve("empty"));
    String longName = "d/" + "x".repeat(150) + "/" + "y".repeat(120);
    Files.createDirectories(src.resolve(longName).getParent());
    Files.writeString(src.resolve(longName), "deep");
    Files.createSymbolicLink(src.resolve("link"), Path.of("PG_VERSION"));
    Path tar = dir.resolve("a.tar");
    Process p = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", src.toString(), ".")
        .inheritIO().start();
    assertEquals(0, p.waitFor());
    byte[] raw = Files.readAllBytes(tar);

    for (Compression c : Compression.values()) {
      Map<String, TarReader.Entry> entries = new LinkedHashMap<>();
      Map<String, byte[]> contents = new LinkedHashMap<>();
      TarReader reader = new TarReader(c.decompress(new ByteArrayInputStream(compress(c, raw))));
      for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) {
        String name = e.name().replaceFirst("^\\./", "").replaceFirst("/$", "");
        entries.put(name, e);
        if (e.isFile()) {
          contents.put(name, reader.content().readAllBytes());
        }
      }
      assertArrayEquals(big, contents.get("big"), c.name());
      assertEquals("15\n", new String(contents.get("PG_VERSION")), c.name());
      assertEquals(0, contents.get("empty").length);
      assertEquals("deep", new String(contents.get(longName)), "long names: " + c);
      assertTrue(entries.get("link").isSymlink());
      assertEquals("PG_VERSION", entries.get("link").linkTarget());
      assertTrue(entries.get("d").isDirectory());
    }
  }

  @Test
  void aTruncatedOrCorruptArchiveIsAnErrorNotAShortRead() throws Exception {
    Path src = Files.createDirectories(dir.resolve("s"));
    Files.write(src.resolve("f"), new byte[100_000]);
    Path tar = dir.resolve("b.tar");
    assertEquals(0, new ProcessBuilder("tar", "-cf", tar.toString(), "-C", src.toString(), "f")
        .start().waitFor());
    byte[] raw = Files.readAllBytes(tar);

    TarReader truncated = new TarReader(new ByteArrayInputStream(Arrays.copyOf(raw, 50_000)));
    truncated.next();
    assertThrows(IOException.class, () -> truncated.content().readAllBytes());

    byte[] corrupt = raw.clone();
    corrupt[10] ^= 0x55;   // inside the first header's name
    IOException e = assertThrows(IOException.class,
        () -> new TarReader(new ByteArrayInputStream(corrupt)).next());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    for (String bad : List.of("a.tar.bz2", "a.zip")) {
      assertThrows(IllegalArgumentException.class, () -> Compression.ofFileName(bad));
    }
    assertEquals(Compression.ZSTD, Compression.ofFileName("base.tar.zst"));
  }

  private static byte[] compress(Compression c, byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = switch (c) {
      case GZIP -> new GZIPOutputStream(bytes);
      case ZSTD -> new ZstdOutputStream(bytes);
      case LZ4 -> new LZ4FrameOutputStream(bytes);
      case NONE -> bytes;
    }) {
      out.write(raw);
    }
    return bytes.toByteArray();
  }
}
