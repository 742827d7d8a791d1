package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.TarExtractor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The restored data directory against the backup's own {@code backup_manifest}, as
 * pg_verifybackup checks it (without parsing WAL: recovery checks every WAL record itself):
 * the manifest's own SHA-256, every file it lists present with its size and checksum, no file
 * it does not list. The same paths are left out as pg_verifybackup leaves out by default.
 *
 * <p>The CRC-32C checksums (pg_basebackup's default) come from the extraction, computed while
 * the bytes were written ({@link TarExtractor#checksums()}), so the data is not read back; a
 * file with no such checksum (written by an earlier attempt, or another algorithm) is read
 * from disk.
 */
public final class ManifestCheck {

  public static final String MANIFEST = "backup_manifest";
  private static final Set<String> IGNORED = Set.of(MANIFEST, "pg_wal", "postgresql.auto.conf",
      "recovery.signal", "standby.signal");
  private static final byte[] CHECKSUM_KEY = "\"Manifest-Checksum\"".getBytes(StandardCharsets.UTF_8);
  private static final int PROBLEMS_SHOWN = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A restored file that differs from the manifest, or a manifest that is itself damaged. */
  public static final class MismatchException extends IOException {
    MismatchException(String message) {
      super(message);
    }
  }

  /** What was checked: files, their bytes, and how many had to be read back from disk. */
  /** {@code unread}: files known to be unchanged since they were checked ({@link FileStamps}). */
  public record Checked(int files, long bytes, int readBack, int unread) {}

  private record Listed(String path, long size, String algorithm, String checksum) {}

  private ManifestCheck() {}

  /** Whether the data directory has a manifest to check against. */
  public static boolean present(Path pgdata) {
    return Files.isRegularFile(pgdata.resolve(MANIFEST));
  }

  /**
   * @param streamedCrc32c CRC-32C of files written whole by this extraction, by relative path
   * @throws MismatchException naming the files that differ (the first few, and how many)
   */
  public static Checked verify(Path pgdata, Map<String, Integer> streamedCrc32c)
      throws IOException {
    return verify(pgdata, streamedCrc32c, Map.of());
  }

  /**
   * @param writtenAs files that are still under another name (e.g. pg_control, which FetchS3
   *     puts in place last), by their path in the manifest
   */
  public static Checked verify(Path pgdata, Map<String, Integer> streamedCrc32c,
      Map<String, String> writtenAs) throws IOException {
    return verify(pgdata, streamedCrc32c, writtenAs, Set.of());
  }

  /**
   * @param unchanged files whose content is known to be the backup's without reading them (their
   *     {@link FileStamps} did not change since it was): their presence and size are checked
   */
  static Checked verify(Path pgdata, Map<String, Integer> streamedCrc32c,
      Map<String, String> writtenAs, Set<String> unchanged) throws IOException {
    byte[] manifest = Files.readAllBytes(pgdata.resolve(MANIFEST));
    int checksumAt = lastIndexOf(manifest, CHECKSUM_KEY);
    if (checksumAt < 0) {
      throw new MismatchException(MANIFEST + " has no Manifest-Checksum: it is truncated");
    }
    JsonNode tree = parseTree(manifest);
    checkOwnChecksum(manifest, checksumAt, tree.path("Manifest-Checksum").asText(""));
    Map<String, Listed> listed = filesOf(tree);
    Set<String> present = regularFiles(pgdata, writtenAs);

    List<String> problems = new ArrayList<>();
    long bytes = 0;
    int readBack = 0;
    int unread = 0;
    for (String path : present) {
      if (!listed.containsKey(path)) {
        problems.add(path + ": present but not in the manifest");
      }
    }
    for (Listed file : listed.values()) {
      if (!present.contains(file.path())) {
        problems.add(file.path() + ": in the manifest but missing");
        continue;
      }
      Path onDisk = onDisk(pgdata, file.path(), writtenAs);
      long size = Files.size(onDisk);
      if (size != file.size()) {
        problems.add(file.path() + ": " + size + " bytes, the manifest says " + file.size());
        continue;
      }
      bytes += size;
      if (file.algorithm() == null || file.algorithm().equals("NONE")) {
        continue;
      }
      if (unchanged.contains(file.path())) {
        unread++;
        continue;
      }
      Integer streamed = "CRC32C".equals(file.algorithm()) ? streamedCrc32c.get(file.path()) : null;
      String actual;
      if (streamed != null) {
        actual = crc32cHex(streamed);
      } else {
        actual = checksumOnDisk(onDisk, file.algorithm());
        readBack++;
      }
      if (!actual.equalsIgnoreCase(file.checksum())) {
        problems.add(file.path() + ": " + file.algorithm() + " " + actual + ", the manifest says "
            + file.checksum());
      }
    }
    if (!problems.isEmpty()) {
      throw new MismatchException("the restored files do not match the backup's manifest ("
          + problems.size() + (problems.size() == 1 ? " file" : " files") + "): "
          + String.join("; ", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())))
          + (problems.size() > PROBLEMS_SHOWN ? "; ..." : ""));
    }
    return new Checked(listed.size(), bytes, readBack, unread);
  }

  /** PostgreSQL writes a CRC-32C as its four bytes in memory order: little-endian on x86. */
  static String crc32cHex(int crc) {
    return HexFormat.of().formatHex(new byte[] {
        (byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24)});
  }

  /** The manifest's last field is the SHA-256 of every byte before that field. */
  private static void checkOwnChecksum(byte[] manifest, int at, String expected)
      throws IOException {
    MessageDigest sha256 = digest("SHA256");
    sha256.update(manifest, 0, at);
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equalsIgnoreCase(expected)) {
      throw new MismatchException(MANIFEST + " is damaged: its SHA-256 is " + actual
          + ", it says " + expected);
    }
  }

  private static Map<String, Listed> filesOf(JsonNode tree) throws IOException {
    JsonNode files = tree.path("Files");
    if (!files.isArray()) {
      throw new MismatchException(MANIFEST + " has no Files list");
    }
    Map<String, Listed> listed = new TreeMap<>();
    for (JsonNode file : files) {
      String path = file.hasNonNull("Path") ? file.get("Path").asText()
          : new String(HexFormat.of().parseHex(file.path("Encoded-Path").asText()),
              StandardCharsets.UTF_8);
      if (path.isEmpty() || ignored(path)) {
        continue;
      }
      String algorithm = file.hasNonNull("Checksum-Algorithm")
          ? file.get("Checksum-Algorithm").asText() : null;
      listed.put(path, new Listed(path, file.path("Size").asLong(-1), algorithm,
          file.path("Checksum").asText(null)));
    }
    return listed;
  }

  private static JsonNode parseTree(byte[] manifest) throws IOException {
    try {
      return JSON.readTree(manifest);
    } catch (JsonProcessingException e) {
      throw new MismatchException(MANIFEST + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Where a file listed in the manifest is now: under its other name while that is there. */
  private static Path onDisk(Path pgdata, String path, Map<String, String> writtenAs) {
    String other = writtenAs.get(path);
    if (other != null && Files.isRegularFile(pgdata.resolve(other), LinkOption.NOFOLLOW_LINKS)) {
      return pgdata.resolve(other);
    }
    return pgdata.resolve(path);
  }

  /** The regular files, by the name they will have (see {@code writtenAs}). */
  private static Set<String> regularFiles(Path pgdata, Map<String, String> writtenAs)
      throws IOException {
    Map<String, String> finalName = new java.util.HashMap<>();
    writtenAs.forEach((name, asWritten) -> finalName.put(asWritten, name));
    Set<String> files = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(pgdata)) {
      walk.filter(Files::isRegularFile).forEach(file -> {
        String relative = pgdata.relativize(file).toString();
        if (!ignored(relative)) {
          files.add(finalName.getOrDefault(relative, relative));
        }
      });
    }
    return files;
  }

  /** Whether the check covers a file (or directory) of the data directory, by relative path. */
  static boolean covers(String relative) {
    return !ignored(relative);
  }

  private static boolean ignored(String relative) {
    int slash = relative.indexOf('/');
    return IGNORED.contains(slash < 0 ? relative : relative.substring(0, slash));
  }

  private static String checksumOnDisk(Path file, String algorithm) throws IOException {
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      if (algorithm.equals("CRC32C")) {
        CRC32C crc = new CRC32C();
        for (int n; (n = in.read(buffer)) > 0; ) {
          crc.update(buffer, 0, n);
        }
        return crc32cHex((int) crc.getValue());
      }
      MessageDigest digest = digest(algorithm);
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** The manifest's names (SHA224, SHA256, SHA384, SHA512) as the JDK's. */
  private static MessageDigest digest(String manifestName) throws IOException {
    if (!manifestName.matches("SHA(224|256|384|512)")) {
      throw new MismatchException(MANIFEST + " uses the checksum algorithm " + manifestName
          + ", which restoreflow does not know");
    }
    try {
      return MessageDigest.getInstance("SHA-" + manifestName.substring(3));
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(manifestName + " is not available in this JDK", e);
    }
  }

  private static int lastIndexOf(byte[] data, byte[] key) {
    outer:
    for (int i = data.length - key.length; i >= 0; i--) {
      for (int j = 0; j < key.length; j++) {
        if (data[i + j] != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
