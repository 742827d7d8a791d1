package dev.restoreflow.activities.archive;

import java.io.IOException;

/**
 * An object of the backup does not decode (bad checksum, bad header, impossible size): it is
 * corrupt, and reading it again will not help.
 */
public class CorruptObjectException extends IOException {

  public CorruptObjectException(String message) {
    super(message);
  }

  public CorruptObjectException(String message, Throwable cause) {
    super(message, cause);
  }
}
