package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.restoreflow.activities.config.EngineSettings;
import dev.restoreflow.activities.storage.ObjectStoreSettings;
import java.util.List;
import java.util.Map;

/**
 * The {@code basebackup} engine's settings of an instance: where its pg_basebackup tarballs and
 * archived WAL live, and how they are compressed.
 *
 * @param repository {@code s3://bucket/prefix} or {@code file:///absolute/dir}; the instance's
 *     objects go under {@code <prefix>/<instance>/} (see {@code BaseBackupLayout})
 * @param endpoint an S3-compatible endpoint ({@code http(s)://host:port}); null = AWS
 * @param region the S3 region; default us-east-1
 * @param pathStyle path-style addressing (most S3-compatible servers need it)
 * @param accessKeyEnv, secretKeyEnv names of environment variables holding the credentials;
 *     null = the AWS default chain. The values never reach logs, ledger or histories.
 * @param compression of new backups: gzip, zstd, lz4 or none
 * @param parallelDownloads ranged GETs in flight per object during FetchS3
 * @param partSizeMiB multipart part size of uploads and range size of downloads
 * @param settings written to postgresql.auto.conf of a restored cluster (ODO's {@code -c})
 * @param readTimeoutSeconds how long an S3 connection may stay silent (no answer, or a body that
 *     stops coming) before the request is cut and tried again
 * @param requestTimeoutSeconds the most one try of one S3 request may take (a part upload, a
 *     ranged GET of {@code partSizeMiB} or of a 16 MiB chunk), however slowly bytes trickle
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record BaseBackupConfig(
    String repository,
    String endpoint,
    String region,
    Boolean pathStyle,
    String accessKeyEnv,
    String secretKeyEnv,
    String compression,
    Integer parallelDownloads,
    Integer partSizeMiB,
    Map<String, String> settings,
    Integer readTimeoutSeconds,
    Integer requestTimeoutSeconds) implements EngineSettings, ObjectStoreSettings {

  public static final List<String> COMPRESSIONS = List.of("gzip", "zstd", "lz4", "none");

  public BaseBackupConfig {
    region = region == null ? "us-east-1" : region;
    pathStyle = pathStyle == null ? Boolean.TRUE : pathStyle;
    compression = compression == null ? "gzip" : compression;
    parallelDownloads = parallelDownloads == null ? 4 : parallelDownloads;
    partSizeMiB = partSizeMiB == null ? 16 : partSizeMiB;
    settings = settings == null ? Map.of() : Map.copyOf(settings);
    readTimeoutSeconds = readTimeoutSeconds == null ? 30 : readTimeoutSeconds;
    requestTimeoutSeconds = requestTimeoutSeconds == null ? 300 : requestTimeoutSeconds;
  }

  /** With the default timeouts. */
  public BaseBackupConfig(String repository, String endpoint, String region, Boolean pathStyle,
      String accessKeyEnv, String secretKeyEnv, String compression, Integer parallelDownloads,
      Integer partSizeMiB, Map<String, String> settings) {
    this(repository, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv, compression,
        parallelDownloads, partSizeMiB, settings, null, null);
  }

  @Override
  public Map<String, String> ownPaths() {
    return isS3() ? Map.of() : Map.of("repository", localDirectory());
  }

  public BaseBackupConfig withCompression(String other) {
    return new BaseBackupConfig(repository, endpoint, region, pathStyle, accessKeyEnv, secretKeyEnv,
        other, parallelDownloads, partSizeMiB, settings, readTimeoutSeconds, requestTimeoutSeconds);
  }
}
