package dev.restoreflow.activities.archive;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * How a tarball is compressed: its name's suffix, and the decompressor that reads it (JDK
 * Inflater for gzip, zstd-jni, an LZ4 frame reader). Each reads concatenated members/frames,
 * which is how restoreflow writes its chunks.
 */
public enum Compression {
  GZIP("gzip", ".gz"),
  ZSTD("zstd", ".zst"),
  LZ4("lz4", ".lz4"),
  NONE("none", "");

  private final String configName;
  private final String suffix;

  Compression(String configName, String suffix) {
    this.configName = configName;
    this.suffix = suffix;
  }

  public static Compression of(String configName) {
    for (Compression c : values()) {
      if (c.configName.equals(configName)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown compression '" + configName + "'");
  }

  /** The compression of an object, by its name's suffix ({@code base.tar.zst} = zstd). */
  public static Compression ofFileName(String name) {
    for (Compression c : List.of(GZIP, ZSTD, LZ4)) {
      if (name.endsWith(".tar" + c.suffix)) {
        return c;
      }
    }
    if (name.endsWith(".tar")) {
      return NONE;
    }
    throw new IllegalArgumentException("'" + name + "' is not a tarball (.tar, .tar.gz, .tar.zst,"
        + " .tar.lz4)");
  }

  public String configName() {
    return configName;
  }

  public String suffix() {
    return suffix;
  }

  /** The decompressed bytes of a stream of this compression. */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case ZSTD -> new ZstdInputStream(new BufferedInputStream(in, 1 << 16));
      case LZ4 -> new Lz4FrameInputStream(new BufferedInputStream(in, 1 << 16));
      case NONE -> in;
    };
  }
}
