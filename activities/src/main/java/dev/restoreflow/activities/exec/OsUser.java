package dev.restoreflow.activities.exec;

/** Who the worker runs as. (No logger here: it is used before logging is set up.) */
public final class OsUser {

  private OsUser() {}

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
