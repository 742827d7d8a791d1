package dev.restoreflow.activities.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A database host: {@code local} (the worker runs on it) or {@code ssh} (the worker drives it
 * over SSH, key authentication, host keys checked against {@code knownHosts}).
 *
 * @param passphraseEnv environment variable holding the private key's passphrase, if any
 * @param acceptNewHostKeys accept (and remember) the key of a host not yet in knownHosts; a
 *     changed key is refused either way
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostConfig(
    String kind,
    String address,
    Integer port,
    String user,
    String privateKey,
    String passphraseEnv,
    String knownHosts,
    Boolean acceptNewHostKeys,
    Integer connectTimeoutSeconds) {

  public static final String LOCAL = "local";
  public static final String SSH = "ssh";

  public HostConfig {
    kind = kind == null ? LOCAL : kind;
  }

  public HostConfig(String kind) {
    this(kind, null, null, null, null, null, null, null, null);
  }

  @JsonIgnore
  public boolean isSsh() {
    return SSH.equals(kind);
  }
}
