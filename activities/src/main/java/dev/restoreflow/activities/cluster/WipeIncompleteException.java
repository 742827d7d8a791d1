package dev.restoreflow.activities.cluster;

/**
 * WipeData deleted, but entries are left in the data directory (not removable by the
 * instance's OS user, or written meanwhile). The directory is partly wiped, not intact.
 */
public class WipeIncompleteException extends RuntimeException {
  public WipeIncompleteException(String message) {
    super(message);
  }
}
