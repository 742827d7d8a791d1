package dev.restoreflow.it;

/** Tears a test's fixtures down. */
final class Closing {

  private Closing() {}

  /**
   * Closes each of {@code resources} that is not null, in this order, all of them even when one
   * fails; the first failure is thrown, with the later ones suppressed in it.
   */
  static void inOrder(AutoCloseable... resources) throws Exception {
    Exception first = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
