package dev.restoreflow.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Where the Temporal server is. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TemporalConfig(String target, String namespace) {

  public TemporalConfig {
    target = target == null ? "127.0.0.1:7233" : target;
    namespace = namespace == null ? "default" : namespace;
  }
}
