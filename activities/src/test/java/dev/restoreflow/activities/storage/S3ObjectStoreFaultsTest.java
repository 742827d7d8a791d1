package dev.restoreflow.activities.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * S3ObjectStore against an HTTP server that misbehaves on purpose ({@link ScriptedS3}): an answer
 * that stalls, trickles, breaks off or ends early, and an upload the server stops reading, are cut
 * by the store's timeouts and asked for again; the bytes that come back are the object's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class S3ObjectStoreFaultsTest {

  private static final String NS = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  private static final byte[] RANGE = bytes(256 * 1024);

  @Test
  void aRangeWhoseAnswerStallsMidBodyIsCutByTheReadTimeoutAndAskedForAgain() throws Exception {
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 1, 60, 16)) {
      s3.play(s3.stallMidBody(206, RANGE), s3.answer(206, RANGE));
      long started = System.nanoTime();
      assertArrayEquals(RANGE, store.readRange("base.tar", 0, RANGE.length));
      assertCutWithin(started, 10);
      assertEquals(2, s3.requests().size());
    }
  }

  @Test
  void aRangeWhoseAnswerTricklesIsCutByTheRequestTimeoutAndAskedForAgain() throws Exception {
    byte[] small = bytes(1024);   // at a byte every 200 ms, 200 s
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 5, 2, 16)) {
      s3.play(s3.trickle(206, small), s3.answer(206, small));
      long started = System.nanoTime();
      assertArrayEquals(small, store.readRange("base.tar", 0, small.length));
      assertCutWithin(started, 10);
    }
  }

  @Test
  void aRangeWhoseConnectionIsResetMidBodyIsAskedForAgain() throws Exception {
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 5, 60, 16)) {
      s3.play(s3.resetMidBody(206, RANGE), s3.answer(206, RANGE));
      assertArrayEquals(RANGE, store.readRange("base.tar", 0, RANGE.length));
      assertEquals(2, s3.requests().size());
    }
  }

  @Test
  void aRangeWhoseAnswerEndsBeforeItsContentLengthIsAskedForAgainNotTakenForTheObjectsEnd()
      throws Exception {
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 5, 60, 16)) {
      s3.play(s3.endMidBody(206, RANGE), s3.answer(206, RANGE));
      assertArrayEquals(RANGE, store.readRange("base.tar", 0, RANGE.length));
      assertEquals(2, s3.requests().size());
    }
  }

  @Test
  void anUploadTheServerStopsReadingIsCutByTheRequestTimeoutAndSentAgain() throws Exception {
    byte[] data = bytes(12 << 20);   // one PUT (parts are 16 MiB), more than socket buffers hold
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 1, 3, 16)) {
      s3.play(s3.neverRead(), s3.answer(200, new byte[0], "ETag: \"e1\""));
      long started = System.nanoTime();
      assertEquals(data.length, store.write("base.tar", new ByteArrayInputStream(data)));
      assertCutWithin(started, 15);
      List<ScriptedS3.Request> requests = s3.requests();
      assertEquals(2, requests.size());
      assertArrayEquals(data, requests.get(1).body(), "the retry sent every byte");
    }
  }

  @Test
  void aListingWhoseAnswerBreaksOffOrEndsEarlyIsAskedForAgain() throws Exception {
    String listing = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult" + NS + "><Name>"
        + "bucket</Name><Prefix>repo/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>"
        + "<IsTruncated>false</IsTruncated><Contents><Key>repo/a</Key><Size>3</Size></Contents>"
        + "<Contents><Key>repo/b</Key><Size>5</Size></Contents></ListBucketResult>";
    byte[] xml = listing.getBytes(StandardCharsets.UTF_8);
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 5, 60, 16)) {
      s3.play(s3.resetMidBody(200, xml), s3.endMidBody(200, xml), s3.xml(200, listing));
      assertEquals(List.of(new StoredObject("a", 3), new StoredObject("b", 5)), store.list(""));
      assertEquals(3, s3.requests().size());
    }
  }

  @Test
  void aCompletionWhoseAnswerWasLostIsDoneWhenTheObjectIsThereWhole() throws Exception {
    byte[] data = bytes(3 << 19);   // 1.5 MiB: two parts of 1 MiB
    String complete = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult"
        + NS + "><Bucket>bucket</Bucket><Key>repo/base.tar</Key><ETag>\"e-2\"</ETag>"
        + "</CompleteMultipartUploadResult>";
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 5, 60, 1)) {
      s3.play(s3.xml(200, initiated("U1")),
          s3.answer(200, new byte[0], "ETag: \"p1\""),
          s3.answer(200, new byte[0], "ETag: \"p2\""),
          s3.resetMidBody(200, complete.getBytes(StandardCharsets.UTF_8)),
          s3.xml(404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchUpload</Code>"
              + "<Message>The specified upload does not exist.</Message><UploadId>U1</UploadId>"
              + "<RequestId>R1</RequestId></Error>"),
          s3.answer(200, new byte[data.length]),
          s3.xml(200, uploads()));
      assertEquals(data.length, store.write("base.tar", new ByteArrayInputStream(data)));
      assertEquals(List.of("POST", "PUT", "PUT", "POST", "POST", "HEAD", "GET"),
          s3.requests().stream().map(ScriptedS3.Request::method).toList());
    }
  }

  @Test
  void anUploadBegunByACreationWhoseAnswerWasLostIsAbortedOnceTheObjectIsComplete()
      throws Exception {
    byte[] data = bytes(3 << 19);
    try (ScriptedS3 s3 = new ScriptedS3(); S3ObjectStore store = open(s3, 5, 60, 1)) {
      s3.play(s3.resetMidBody(200, initiated("U1").getBytes(StandardCharsets.UTF_8)),
          s3.xml(200, initiated("U2")),
          s3.answer(200, new byte[0], "ETag: \"p1\""),
          s3.answer(200, new byte[0], "ETag: \"p2\""),
          s3.xml(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult"
              + NS + "><Bucket>bucket</Bucket><Key>repo/base.tar</Key><ETag>\"e-2\"</ETag>"
              + "</CompleteMultipartUploadResult>"),
          s3.xml(200, uploads("U1")),
          s3.answer(204, new byte[0]));
      assertEquals(data.length, store.write("base.tar", new ByteArrayInputStream(data)));
      ScriptedS3.Request last = s3.requests().get(s3.requests().size() - 1);
      assertEquals("DELETE", last.method());
      assertTrue(last.target().contains("uploadId=U1"), last.target());
      assertTrue(s3.requests().get(2).target().contains("uploadId=U2"), "the parts go to U2");
    }
  }

  private static S3ObjectStore open(ScriptedS3 s3, int readSeconds, int requestSeconds,
      int partMiB) {
    return S3ObjectStore.open(new BaseBackupConfig("s3://bucket/repo", s3.endpoint(), null, true,
        "TEST_KEY", "TEST_SECRET", "none", 1, partMiB, null, readSeconds, requestSeconds),
        name -> "value-of-" + name);
  }

  private static String initiated(String uploadId) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult" + NS
        + "><Bucket>bucket</Bucket><Key>repo/base.tar</Key><UploadId>" + uploadId
        + "</UploadId></InitiateMultipartUploadResult>";
  }

  private static String uploads(String... ids) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<ListMultipartUploadsResult" + NS + "><Bucket>bucket</Bucket><MaxUploads>1000"
        + "</MaxUploads><IsTruncated>false</IsTruncated>");
    for (String id : ids) {
      xml.append("<Upload><Key>repo/base.tar</Key><UploadId>").append(id)
          .append("</UploadId></Upload>");
    }
    return xml.append("</ListMultipartUploadsResult>").toString();
  }

  private static void assertCutWithin(long startedNanos, int seconds) {
    double took = (System.nanoTime() - startedNanos) / 1e9;
    assertTrue(took < seconds, "took " + took + " s");
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
