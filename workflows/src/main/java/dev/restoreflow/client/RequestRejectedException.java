package dev.restoreflow.client;

import dev.restoreflow.workflows.FailureType;

/**
 * A request the config does not allow (unknown instance or host, a backup id of the wrong form,
 * ...). Every way in answers the same mistake with the same {@link #type()} and message.
 */
public class RequestRejectedException extends IllegalArgumentException {

  private final FailureType type;

  public RequestRejectedException(FailureType type, String message) {
    super(message);
    this.type = type;
  }

  public FailureType type() {
    return type;
  }
}
