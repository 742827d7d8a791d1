package dev.restoreflow.activities.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Where an engine keeps its objects and how to reach them: the settings every engine that
 * writes into object storage shares (the keys of its config section of the same names).
 * {@link ObjectStoreSettingsCheck} checks them.
 */
public interface ObjectStoreSettings {

  /** {@code s3://bucket/prefix} or {@code file:///absolute/dir}. */
  String repository();

  /** An S3-compatible endpoint ({@code http(s)://host:port}); null = AWS. */
  String endpoint();

  String region();

  Boolean pathStyle();

  /** The name of the environment variable holding the access key; null = AWS default chain. */
  String accessKeyEnv();

  String secretKeyEnv();

  /** Multipart part size of uploads and range size of downloads. */
  Integer partSizeMiB();

  /** How long an S3 connection may stay silent before the request is cut and tried again. */
  Integer readTimeoutSeconds();

  /** The most one try of one S3 request may take. */
  Integer requestTimeoutSeconds();

  @JsonIgnore
  default boolean isS3() {
    return repository() != null && repository().startsWith("s3://");
  }

  /** The directory of a file:// repository; null for S3. */
  default String localDirectory() {
    return repository() != null && repository().startsWith("file://")
        ? repository().substring("file://".length()) : null;
  }
}
