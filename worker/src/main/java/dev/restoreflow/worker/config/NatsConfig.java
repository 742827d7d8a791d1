package dev.restoreflow.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The NATS gateway of {@code restoreflow server} (and {@code dev}): seed 002's subjects. Absent
 * from the config = no NATS gateway. Secrets are never here: only the names of environment
 * variables, or the path of a creds file.
 *
 * @param url the NATS server, e.g. {@code nats://127.0.0.1:4222} ({@code tls://} for TLS)
 * @param instance the configured instance the subjects serve (its engine backs up tables)
 * @param subjectPrefix the subjects' first tokens: {@code backup} gives {@code backup.makebackup}
 * @param serviceName the name the NATS services framework announces ({@code $SRV.PING.name})
 * @param userEnv with {@code passwordEnv}: environment variables holding user and password
 * @param tokenEnv environment variable holding a token
 * @param credsFile a NATS creds file (JWT and NKey seed)
 * @param tls PEM files for a TLS connection; null = plain, unless the url says {@code tls://}
 * @param requestTimeoutSeconds how long a request may wait for Temporal (reading the catalog)
 *     before it gets its bad or empty reply
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record NatsConfig(
    String url,
    String instance,
    String subjectPrefix,
    String serviceName,
    String userEnv,
    String passwordEnv,
    String tokenEnv,
    String credsFile,
    NatsTlsConfig tls,
    Integer requestTimeoutSeconds) {

  public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
  public static final String DEFAULT_PREFIX = "backup";
  public static final String DEFAULT_SERVICE_NAME = "restoreflow-backup";
  public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 20;

  /** A gateway for {@code instance} on {@code url} with every other key at its default. */
  public static NatsConfig of(String url, String instance) {
    return new NatsConfig(url, instance, DEFAULT_PREFIX, DEFAULT_SERVICE_NAME, null, null, null,
        null, null, DEFAULT_REQUEST_TIMEOUT_SECONDS);
  }

  public NatsConfig withUrl(String newUrl) {
    return new NatsConfig(newUrl, instance, subjectPrefix, serviceName, userEnv, passwordEnv,
        tokenEnv, credsFile, tls, requestTimeoutSeconds);
  }

  /**
   * PEM files for TLS.
   *
   * @param caFile the certificates that sign the server's (else the JVM's trusted ones)
   * @param certFile with {@code keyFile}: this client's certificate, for servers that verify
   *     clients
   * @param keyFile the client's private key, PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
   */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record NatsTlsConfig(String caFile, String certFile, String keyFile) {}
}
