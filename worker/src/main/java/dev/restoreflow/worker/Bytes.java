package dev.restoreflow.worker;

import dev.restoreflow.workflows.Sizes;

/** Sizes for people in the CLI ({@link Sizes}); nothing known or zero is "-". */
final class Bytes {

  private Bytes() {}

  static String human(long bytes) {
    return bytes <= 0 ? "-" : Sizes.human(bytes);
  }
}
