package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.archive.TarReader;
import dev.restoreflow.activities.archive.TarExtractor;
import dev.restoreflow.activities.archive.ConfinedDirectory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory against a backup_manifest in PostgreSQL's format. The checksum of
 * PG_VERSION ("15\n") is the one a real PostgreSQL 15 pg_basebackup wrote; every restore in
 * the integration tests checks real manifests whole.
 */
class ManifestCheckTest {

  private static final String PG_VERSION_CRC32C = "8a744722";

  @TempDir
  Path dir;
  private Path src;
  private Path pgdata;
  private byte[] relation;

  @BeforeEach
  void dataDirectory() throws Exception {
    src = Files.createDirectories(dir.resolve("src"));
    relation = new byte[2_500_000];
    new Random(11).nextBytes(relation);
    Files.writeString(src.resolve("PG_VERSION"), "15\n");
    Files.createDirectories(src.resolve("base/5"));
    Files.write(src.resolve("base/5/16384"), relation);
    Files.createFile(src.resolve("base/5/16384_fsm"));
    Files.createDirectories(src.resolve("pg_wal/archive_status"));
    Files.write(src.resolve("pg_wal/000000010000000000000002"), new byte[4096]);
    Files.writeString(src.resolve(ManifestCheck.MANIFEST), manifest(List.of(
        entry("PG_VERSION", 3, "CRC32C", PG_VERSION_CRC32C),
        entry("base/5/16384", relation.length, "CRC32C", crc32c(relation)),
        entry("base/5/16384_fsm", 0, "CRC32C", "00000000"),
        entry("pg_wal/archive_status/000000010000000000000002.done", 0, "CRC32C", "00000000"))));
    pgdata = Files.createDirectories(dir.resolve("pgdata"));
  }

  @Test
  void checksumsComputedWhileExtractingMatchAndNothingIsReadBack() throws Exception {
    TarExtractor extractor = extract();
    assertEquals(PG_VERSION_CRC32C, ManifestCheck.crc32cHex(extractor.checksums().get("PG_VERSION")));
    ManifestCheck.Checked checked = ManifestCheck.verify(pgdata, extractor.checksums());
    assertEquals(3, checked.files(), "pg_wal is left out, as pg_verifybackup does");
    assertEquals(3 + relation.length, checked.bytes());
    assertEquals(0, checked.readBack());
  }

  @Test
  void filesWithoutAStreamedChecksumAreReadBackFromDisk() throws Exception {
    extract();
    ManifestCheck.Checked checked = ManifestCheck.verify(pgdata, Map.of());
    assertEquals(3, checked.readBack());
  }

  @Test
  void filesKnownUnchangedAreCheckedBySizeOnly() throws Exception {
    extract();
    ManifestCheck.Checked checked = ManifestCheck.verify(pgdata, Map.of(), Map.of(),
        java.util.Set.of("base/5/16384"));
    assertEquals(1, checked.unread());
    assertEquals(2, checked.readBack(), "the others are read back");
    Files.write(pgdata.resolve("base/5/16384"), new byte[10]);
    assertThrows(ManifestCheck.MismatchException.class, () -> ManifestCheck.verify(pgdata,
        Map.of(), Map.of(), java.util.Set.of("base/5/16384")), "a size that differs fails");
  }

  @Test
  void aChangedByteIsNamedByFile() throws Exception {
    relation[1_234_567] ^= 0x01;
    Files.write(src.resolve("base/5/16384"), relation);
    TarExtractor extractor = extract();
    ManifestCheck.MismatchException e = assertThrows(ManifestCheck.MismatchException.class,
        () -> ManifestCheck.verify(pgdata, extractor.checksums()));
    assertTrue(e.getMessage().contains("(1 file): base/5/16384: CRC32C "), e.getMessage());
    assertThrows(ManifestCheck.MismatchException.class, () -> ManifestCheck.verify(pgdata, Map.of()),
        "read back from disk too");
  }

  @Test
  void missingExtraAndResizedFilesAreEachNamed() throws Exception {
    TarExtractor extractor = extract();
    Files.delete(pgdata.resolve("base/5/16384_fsm"));
    Files.writeString(pgdata.resolve("base/5/99999"), "stray");
    Files.writeString(pgdata.resolve("PG_VERSION"), "15\n\n");
    Files.writeString(pgdata.resolve("postgresql.auto.conf"), "# rewritten by the restore\n");
    Files.writeString(pgdata.resolve("pg_wal/000000010000000000000003"), "prefetched");
    String message = assertThrows(ManifestCheck.MismatchException.class,
        () -> ManifestCheck.verify(pgdata, extractor.checksums())).getMessage();
    assertTrue(message.contains("(3 files)"), message);
    assertTrue(message.contains("base/5/99999: present but not in the manifest"), message);
    assertTrue(message.contains("base/5/16384_fsm: in the manifest but missing"), message);
    assertTrue(message.contains("PG_VERSION: 4 bytes, the manifest says 3"), message);
    assertFalse(message.contains("auto.conf") || message.contains("pg_wal"), message);
  }

  @Test
  void aDamagedOrTruncatedManifestIsRefused() throws Exception {
    extract();
    Path manifest = pgdata.resolve(ManifestCheck.MANIFEST);
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.replace("\"Size\": 3,", "\"Size\": 4,"));
    assertTrue(assertThrows(ManifestCheck.MismatchException.class,
        () -> ManifestCheck.verify(pgdata, Map.of())).getMessage().contains("damaged"));
    Files.writeString(manifest, text.substring(0, text.indexOf("\"Manifest-Checksum\"")));
    assertTrue(assertThrows(ManifestCheck.MismatchException.class,
        () -> ManifestCheck.verify(pgdata, Map.of())).getMessage().contains("truncated"));
  }

  @Test
  void shaChecksumsAndEncodedPathsAreUnderstood() throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(relation));
    String encoded = HexFormat.of().formatHex("PG_VERSION".getBytes(StandardCharsets.UTF_8));
    Files.writeString(src.resolve(ManifestCheck.MANIFEST), manifest(List.of(
        "{ \"Encoded-Path\": \"" + encoded + "\", \"Size\": 3, \"Checksum-Algorithm\": \"NONE\" }",
        entry("base/5/16384", relation.length, "SHA512", sha),
        entry("base/5/16384_fsm", 0, "SHA256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))));
    TarExtractor extractor = extract();
    assertEquals(2, ManifestCheck.verify(pgdata, extractor.checksums()).readBack());
  }

  @Test
  void aFileStillUnderItsPartialNameIsCheckedUnderItsOwnName() throws Exception {
    Map<String, String> held = Map.of("base/5/16384", "base/5/16384.partial");
    TarExtractor extractor = extract(held);
    assertFalse(Files.exists(pgdata.resolve("base/5/16384")));
    assertEquals(0, ManifestCheck.verify(pgdata, extractor.checksums(), held).readBack());
    assertEquals(3, ManifestCheck.verify(pgdata, Map.of(), held).readBack());
    Files.write(pgdata.resolve("base/5/16384.partial"), new byte[relation.length]);
    String message = assertThrows(ManifestCheck.MismatchException.class,
        () -> ManifestCheck.verify(pgdata, Map.of(), held)).getMessage();
    assertTrue(message.contains("(1 file): base/5/16384: CRC32C "), message);
  }

  @Test
  void theCrc32cIsWrittenInPostgresByteOrder() {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0xE3069283L, crc.getValue(), "the standard check value");
    assertEquals("839206e3", ManifestCheck.crc32cHex((int) crc.getValue()));
  }

  private TarExtractor extract() throws Exception {
    return extract(Map.of());
  }

  private TarExtractor extract(Map<String, String> writtenAs) throws Exception {
    Path tar = dir.resolve("base.tar");
    Files.deleteIfExists(tar);
    Process tarProcess = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", src.toString(), ".")
        .inheritIO().start();
    assertEquals(0, tarProcess.waitFor());
    TarExtractor extractor = new TarExtractor(new ConfinedDirectory(pgdata, null, null), writtenAs);
    extractor.extract(new TarReader(new ByteArrayInputStream(Files.readAllBytes(tar))), null, 0,
        List.of(), position -> { });
    return extractor;
  }

  private static String entry(String path, long size, String algorithm, String checksum) {
    return "{ \"Path\": \"" + path + "\", \"Size\": " + size + ", \"Last-Modified\": "
        + "\"2026-11-23 13:01:51 GMT\", \"Checksum-Algorithm\": \"" + algorithm
        + "\", \"Checksum\": \"" + checksum + "\" }";
  }

  /** The layout pg_basebackup writes, its SHA-256 over everything before the last field. */
  private static String manifest(List<String> entries) throws Exception {
    String body = "{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n"
        + String.join(",\n", entries) + "\n],\n\"WAL-Ranges\": [\n{ \"Timeline\": 1, "
        + "\"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/2000100\" }\n],\n";
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
    return body + "\"Manifest-Checksum\": \"" + HexFormat.of().formatHex(sha) + "\"}\n";
  }

  private static String crc32c(byte[] data) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(data);
    return ManifestCheck.crc32cHex((int) crc.getValue());
  }
}
