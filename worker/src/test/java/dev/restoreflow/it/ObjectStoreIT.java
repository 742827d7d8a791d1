package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import dev.restoreflow.activities.storage.ObjectStore;
import dev.restoreflow.activities.storage.ObjectStores;
import dev.restoreflow.activities.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The two repository kinds, S3 (a real s3proxy process) and file://, behave the same. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ObjectStoreIT {

  private static final int MIB = 1 << 20;

  private Path dir;
  private S3Server s3;

  @BeforeAll
  void setUp() throws Exception {
    dir = Files.createTempDirectory("restoreflow-objectstore");
    s3 = S3Server.start(dir);
    s3.createBucket("backups");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  Stream<Arguments> stores() {
    BaseBackupConfig onS3 = s3.repository("backups", "prod/eu", "gzip");
    BaseBackupConfig onDisk = new BaseBackupConfig("file://" + dir.resolve("repo"), null, null,
        null, null, null, null, null, 5, null);
    return Stream.of(Arguments.of("s3", onS3), Arguments.of("file", onDisk));
  }

  private ObjectStore open(BaseBackupConfig config) {
    Map<String, String> env = s3.environment();
    return ObjectStores.open(config, env::get);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aStreamOfUnknownLengthIsStoredAndReadBackByRange(String kind, BaseBackupConfig config)
      throws IOException {
    byte[] data = new byte[12 * MIB + 12345];
    new Random(42).nextBytes(data);
    try (ObjectStore store = open(config)) {
      // a stream that hands out small reads, as a pipe from pg_basebackup does
      long written = store.write("main1/backups/B1/base.tar.gz", trickle(data));
      assertEquals(data.length, written);
      store.write("main1/backups/B1/backup.json", new ByteArrayInputStream("{}".getBytes()));
      store.write("main2/backups/B9/base.tar", new ByteArrayInputStream(new byte[10]));

      assertEquals(new StoredObject("main1/backups/B1/base.tar.gz", data.length),
          store.stat("main1/backups/B1/base.tar.gz").orElseThrow());
      assertTrue(store.stat("main1/backups/B1/nothing").isEmpty());
      assertEquals(List.of("main1/backups/B1/backup.json", "main1/backups/B1/base.tar.gz"),
          store.list("main1/").stream().map(StoredObject::key).toList());

      int from = 5 * MIB - 100;   // across the first part boundary
      int to = 10 * MIB + 7;
      try (InputStream range = store.read("main1/backups/B1/base.tar.gz", from, to)) {
        assertArrayEquals(Arrays.copyOfRange(data, from, to), range.readAllBytes(), kind);
      }
      try (InputStream tail = store.read("main1/backups/B1/base.tar.gz", data.length - 10,
          data.length)) {
        assertArrayEquals(Arrays.copyOfRange(data, data.length - 10, data.length),
            tail.readAllBytes());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aWriteThatFailsHalfwayLeavesNoObject(String kind,
      BaseBackupConfig config) throws IOException {
    try (ObjectStore store = open(config)) {
      InputStream breaksAfter7MiB = new SequenceInputStream(
          new ByteArrayInputStream(new byte[7 * MIB]), new InputStream() {
            @Override
            public int read() throws IOException {
              throw new IOException("pg_basebackup died");
            }
          });
      assertThrows(IOException.class, () -> store.write("main1/backups/B2/base.tar.gz",
          breaksAfter7MiB));
      assertTrue(store.stat("main1/backups/B2/base.tar.gz").isEmpty(), kind);
      assertFalse(store.list("main1/backups/B2").stream().findAny().isPresent(), kind);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void keysThatCouldEscapeTheRepositoryAreRefused(String kind, BaseBackupConfig config) {
    try (ObjectStore store = open(config)) {
      for (String key : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "",
          "a b", "a\nb"}) {
        assertThrows(IllegalArgumentException.class,
            () -> store.write(key, new ByteArrayInputStream(new byte[1])), kind + " " + key);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void wrongCredentialsFailWithAMessageThatNamesTheRepositoryButNotTheSecret() {
    BaseBackupConfig config = s3.repository("backups", "prod/eu", "gzip");
    Map<String, String> wrong = Map.of(S3Server.ACCESS_KEY_ENV, s3.accessKey,
        S3Server.SECRET_KEY_ENV, "not-the-secret-" + s3.secretKey.substring(0, 4));
    try (ObjectStore store = ObjectStores.open(config, wrong::get)) {
      IOException e = assertThrows(IOException.class, () -> store.list("main1/"));
      assertTrue(e.getMessage().contains("s3://backups/prod/eu"), e.getMessage());
      assertFalse(e.getMessage().contains("not-the-secret"), e.getMessage());
      assertFalse(e.getMessage().contains(s3.secretKey), e.getMessage());
    }
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> ObjectStores.open(config, name -> null));
    assertTrue(missing.getMessage().contains(S3Server.ACCESS_KEY_ENV), missing.getMessage());
  }

  /** Hands out at most 64 KiB per read, like a pipe. */
  private static InputStream trickle(byte[] data) {
    return new java.io.FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 64 * 1024));
      }
    };
  }
}
