package dev.restoreflow.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where the Temporal server is, and how to reach it in production: TLS or mutual TLS, a namespace,
 * an API key. Secrets are never here: the key file's path, or the name of the environment variable
 * that holds the API key.
 *
 * @param target the frontend, {@code host:port}
 * @param namespace the namespace every job runs in (default {@code default})
 * @param tls TLS to the frontend; null = plaintext. {@code {}} = TLS with the JVM's trusted CAs
 *     (enough for Temporal Cloud with an API key)
 * @param apiKeyEnv the environment variable holding an API key, sent as
 *     {@code authorization: Bearer <key>}
 * @param apiKeyFile or a file holding it (one line)
 * @param allowApiKeyWithoutTls an API key over plaintext is refused (anyone on the path reads it)
 *     unless this is true, e.g. for a TLS-terminating sidecar on the same host
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TemporalConfig(String target, String namespace, Tls tls, String apiKeyEnv,
    String apiKeyFile, Boolean allowApiKeyWithoutTls) {

  public static final String DEFAULT_TARGET = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  public TemporalConfig {
    target = target == null ? DEFAULT_TARGET : target;
    namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
  }

  /** Plaintext, no API key: the embedded and dev servers. */
  public TemporalConfig(String target, String namespace) {
    this(target, namespace, null, null, null, null);
  }

  /** Whether an API key is configured (from the environment or a file). */
  public boolean hasApiKey() {
    return apiKeyEnv != null || apiKeyFile != null;
  }

  /**
   * TLS to the Temporal frontend, PEM files.
   *
   * @param caFile the CA certificates that sign the server's certificate; null = the JVM's
   *     trusted CAs
   * @param certFile with {@code keyFile}: this client's certificate chain, for mutual TLS
   * @param keyFile the client's private key, PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), unencrypted
   * @param serverName the name the server's certificate must carry (and the TLS SNI), when it
   *     differs from the target's host (e.g. connecting by IP, or through a load balancer)
   */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Tls(String caFile, String certFile, String keyFile, String serverName) {}
}
