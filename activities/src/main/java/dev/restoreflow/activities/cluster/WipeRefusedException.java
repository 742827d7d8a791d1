package dev.restoreflow.activities.cluster;

/** WipeData's guard said no. Permanent: the same request will be refused again. */
public class WipeRefusedException extends RuntimeException {
  public WipeRefusedException(String message) {
    super(message);
  }
}
