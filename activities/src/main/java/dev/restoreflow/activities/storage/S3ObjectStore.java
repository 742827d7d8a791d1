package dev.restoreflow.activities.storage;

import dev.restoreflow.activities.config.BaseBackupConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
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
 */
public final class S3ObjectStore implements ObjectStore {

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final int partSize;
  private final String description;

  private S3ObjectStore(S3Client s3, String bucket, String prefix, int partSize, String description) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.partSize = partSize;
    this.description = description;
  }

  /** @param environment where the credentials' environment variables are read (System::getenv) */
  public static S3ObjectStore open(BaseBackupConfig config, Function<String, String> environment) {
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
            .socketTimeout(Duration.ofSeconds(60))
            .build());
    if (config.endpoint() != null) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    String where = config.repository() + (config.endpoint() == null ? "" : " at " + config.endpoint());
    return new S3ObjectStore(builder.build(), bucket, prefix, config.partSizeMiB() << 20, where);
  }

  private static AwsCredentialsProvider credentials(BaseBackupConfig config,
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
      HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(prefix + ObjectKeys.check(key)));
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
            .partNumber(number).contentLength((long) body.length), RequestBody.fromBytes(body)).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        total += part.length;
        part = data.readNBytes(partSize);
      }
      s3.completeMultipartUpload(r -> r.bucket(bucket).key(fullKey).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
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
