package dev.restoreflow.worker.config;

import dev.restoreflow.activities.config.ScratchConfig;

/** Checks an instance's {@code scratch} section (where its clones and drills restore). */
final class ScratchPlace {

  private ScratchPlace() {}

  /** The section, checked; null when there is none (clones and drills are then refused). */
  static ScratchConfig check(String key, ScratchConfig scratch, String pgdata, Integer port) {
    return scratch;   // issue 17: checks land with the scratch targets
  }
}
