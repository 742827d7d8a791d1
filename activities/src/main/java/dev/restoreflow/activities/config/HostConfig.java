package dev.restoreflow.activities.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A database host. {@code kind} is {@code local} (the worker runs on it); {@code ssh} hosts come
 * with the remote-host support.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record HostConfig(String kind) {

  public static final String LOCAL = "local";

  public HostConfig {
    kind = kind == null ? LOCAL : kind;
  }
}
