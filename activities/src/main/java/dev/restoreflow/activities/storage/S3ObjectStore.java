package dev.restoreflow.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.xml.stream.XMLStreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3 bucket under a prefix ({@code s3://bucket/prefix}), on AWS or any
 * S3-compatible endpoint. Uploads are multipart in {@code partSizeMiB} parts straight from the
 * stream; reads are ranged GETs. Credentials come from the environment variables the config names
 * (or the AWS default chain) and are never logged.
 *
 * <p>Checksums are sent only where S3 requires them and chunked payload signing is off: several
 * S3-compatible servers reject the SDK's default {@code aws-chunked} trailers.
 *
 * <p>A request is tried up to {@link #ATTEMPTS} times by the SDK's standard retries (5xx,
 * throttling, I/O errors), with a time limit on each try ({@code requestTimeoutSeconds}) and on
 * silence ({@code readTimeoutSeconds}): a stalled connection is cut and tried again, never waited
 * on. Ranged reads take the whole body inside the SDK call ({@link #readRange}), so a body that
 * breaks off, stalls or ends early is retried like any other failed try.
 */
public final class S3ObjectStore implements ObjectStore {

  /** Tries of one request, the first included. */
  static final int ATTEMPTS = 5;

  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final int partSize;
  private final String description;

  private S3ObjectStore(S3Client s3, String bucket, String prefix, int partSize,
      String description) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.partSize = partSize;
    this.description = description;
  }

  /** @param environment where the credentials' environment variables are read (System::getenv) */
  public static S3ObjectStore open(ObjectStoreSettings config, Function<String,
      String> environment) {
    String rest = config.repository().substring("s3://".length()).replaceAll("/+$", "");
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1) + "/";
    var builder = S3Client.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials(config, environment))
        .forcePathStyle(config.pathStyle())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .httpClient(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(config.readTimeoutSeconds()))
            .build())
        .overrideConfiguration(o -> o
            .apiCallAttemptTimeout(Duration.ofSeconds(config.requestTimeoutSeconds()))
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(ATTEMPTS)
                .retryOnException(S3ObjectStore::answerBrokeOff)
                .build()));
    if (config.endpoint() != null) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    String where = config.repository() + (config.endpoint() == null ? "" : " at "
        + config.endpoint());
    return new S3ObjectStore(builder.build(), bucket, prefix, config.partSizeMiB() << 20, where);
  }

  private static AwsCredentialsProvider credentials(ObjectStoreSettings config,
      Function<String, String> environment) {
    if (config.accessKeyEnv() == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    String key = environment.apply(config.accessKeyEnv());
    String secret = environment.apply(config.secretKeyEnv());
    if (key == null || key.isBlank() || secret == null || secret.isBlank()) {
      throw new IllegalStateException("the S3 credentials are not in the environment: set "
          + config.accessKeyEnv() + " and " + config.secretKeyEnv() + " for this process");
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret));
  }

  @Override
  public List<StoredObject> list(String keyPrefix) throws IOException {
    ObjectKeys.checkPrefix(keyPrefix);
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix))
          .contents()) {
        objects.add(new StoredObject(o.key().substring(prefix.length()), o.size()));
      }
    } catch (SdkException e) {
      throw failure("list " + keyPrefix, e);
    }
    return objects;
  }

  @Override
  public Optional<StoredObject> stat(String key) throws IOException {
    try {
      HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(prefix
          + ObjectKeys.check(key)));
      return Optional.of(new StoredObject(key, head.contentLength()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("stat " + key, e);
    } catch (SdkException e) {
      throw failure("stat " + key, e);
    }
  }

  @Override
  public InputStream read(String key, long from, long to) throws IOException {
    if (to <= from) {
      return InputStream.nullInputStream();
    }
    try {
      return s3.getObject(r -> r.bucket(bucket).key(prefix + ObjectKeys.check(key))
          .range("bytes=" + from + "-" + (to - 1)));
    } catch (SdkException e) {
      throw failure("read " + key + " bytes " + from + "-" + (to - 1), e);
    }
  }

  @Override
  public byte[] readRange(String key, long from, long to) throws IOException {
    if (to <= from) {
      return new byte[0];
    }
    try {
      return s3.getObject(r -> r.bucket(bucket).key(prefix + ObjectKeys.check(key))
          .range("bytes=" + from + "-" + (to - 1)), S3ObjectStore::wholeBody);
    } catch (SdkException e) {
      throw failure("read " + key + " bytes " + from + "-" + (to - 1), e);
    }
  }

  /**
   * All of a GET's body, or a retryable failure: the connection broke off or went silent, or the
   * body ended before its Content-Length (Java's HTTP client reports that as a plain end of
   * stream, so without this count a cut-off body would pass for the object's end).
   */
  private static byte[] wholeBody(GetObjectResponse response, InputStream body) {
    try {
      if (response.contentLength() == null) {
        return body.readAllBytes();
      }
      byte[] bytes = new byte[Math.toIntExact(response.contentLength())];
      int received = body.readNBytes(bytes, 0, bytes.length);
      if (received != bytes.length) {
        throw RetryableException.create("the answer ended after " + received + " of its "
            + bytes.length + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw RetryableException.builder().message("the answer broke off: " + e.getMessage())
          .cause(e).build();
    }
  }

  /**
   * An answer that broke off while the SDK parsed it (CreateMultipartUpload,
   * CompleteMultipartUpload, a listing): the SDK reports "Could not parse XML response" and does
   * not retry it, with the I/O error deeper in the causes, or, when the body just ended early,
   * only the XML error.
   */
  private static boolean answerBrokeOff(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof XMLStreamException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long write(String key, InputStream data) throws IOException {
    String fullKey = prefix + ObjectKeys.check(key);
    byte[] first = data.readNBytes(partSize);
    try {
      if (first.length < partSize) {
        s3.putObject(r -> r.bucket(bucket).key(fullKey), RequestBody.fromBytes(first));
        return first.length;
      }
      return writeMultipart(fullKey, first, data);
    } catch (SdkException e) {
      throw failure("write " + key, e);
    }
  }

  private long writeMultipart(String fullKey, byte[] first, InputStream data) throws IOException {
    String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(fullKey)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    long total = 0;
    try {
      byte[] part = first;
      while (part.length > 0) {
        int number = parts.size() + 1;
        byte[] body = part;
        String etag = s3.uploadPart(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId)
            .partNumber(number).contentLength((long) body.length), RequestBody.fromBytes(body))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        total += part.length;
        part = data.readNBytes(partSize);
      }
      complete(fullKey, uploadId, parts, total);
      abortOtherUploads(fullKey, uploadId);
      return total;
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId));
      } catch (SdkException abortFailed) {
        e.addSuppressed(abortFailed);
      }
      throw e;
    }
  }

  /**
   * Completes the upload. A retried completion whose first try S3 carried out (its answer was
   * lost on the way) gets NoSuchUpload: the object is then there, with every byte.
   */
  private void complete(String fullKey, String uploadId, List<CompletedPart> parts, long size) {
    try {
      s3.completeMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (NoSuchUploadException e) {
      long stored;
      try {
        stored = s3.headObject(r -> r.bucket(bucket).key(fullKey)).contentLength();
      } catch (SdkException notThere) {
        e.addSuppressed(notThere);
        throw e;
      }
      if (stored != size) {
        throw e;
      }
      log.info("the completion of {} was retried after S3 had completed it: {} bytes stored",
          fullKey, stored);
    }
  }

  /**
   * A CreateMultipartUpload whose answer was lost and that the SDK tried again began an upload
   * nobody knows the id of: once the object is complete, every other unfinished upload of its key
   * is such a leftover. Failing to abort them leaves the object complete (and them to
   * {@link #discardUnfinished}).
   */
  private void abortOtherUploads(String fullKey, String completedId) {
    try {
      for (MultipartUpload upload : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket)
          .prefix(fullKey)).uploads()) {
        if (upload.key().equals(fullKey) && !upload.uploadId().equals(completedId)) {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(upload.uploadId()));
          log.info("aborted a leftover upload of {} (a retried CreateMultipartUpload)", fullKey);
        }
      }
    } catch (SdkException e) {
      log.warn("could not look for leftover uploads of {}: {}", fullKey, e.getMessage());
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(prefix + ObjectKeys.check(key)));
    } catch (SdkException e) {
      throw failure("delete " + key, e);
    }
  }

  /** Aborts the multipart uploads begun under the prefix: S3 then frees their parts. */
  @Override
  public int discardUnfinished(String keyPrefix) throws IOException {
    ObjectKeys.checkPrefix(keyPrefix);
    int aborted = 0;
    try {
      for (MultipartUpload upload : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket)
          .prefix(prefix + keyPrefix)).uploads()) {
        try {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(upload.key())
              .uploadId(upload.uploadId()));
          aborted++;
        } catch (NoSuchUploadException gone) {
          // completed or aborted since the listing
        }
      }
    } catch (SdkException e) {
      throw failure("abort unfinished uploads under " + keyPrefix, e);
    }
    return aborted;
  }

  private IOException failure(String what, SdkException e) {
    return new IOException("S3 " + what + " in " + description + " failed: " + e.getMessage(), e);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    s3.close();
  }
}
