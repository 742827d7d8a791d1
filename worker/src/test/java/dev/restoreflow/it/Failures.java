package dev.restoreflow.it;

import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/** Finds the typed failure in a Temporal exception chain. */
final class Failures {

  private Failures() {}

  static Optional<String> typeOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app && app.getType() != null
          && !app.getType().isEmpty()) {
        return Optional.of(app.getType());
      }
    }
    return Optional.empty();
  }

  static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
