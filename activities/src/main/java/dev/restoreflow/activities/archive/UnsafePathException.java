package dev.restoreflow.activities.archive;

import java.io.IOException;

/**
 * A write the restore refuses: it would leave the data directory, go through a symbolic link, or
 * replace what is already there with a link. What is in the data directory came from the
 * backup, so the backup is corrupt or was tampered with; a retry cannot help (OBJECT_CORRUPT).
 */
public class UnsafePathException extends IOException {

  public UnsafePathException(String message) {
    super(message);
  }

  private UnsafePathException(String message, UnsafePathException cause) {
    super(message, cause);
  }

  /** The same refusal, its message prefixed with where it happened (an object, a tar member). */
  public UnsafePathException in(String context) {
    return new UnsafePathException(context + ": " + getMessage(), this);
  }
}
