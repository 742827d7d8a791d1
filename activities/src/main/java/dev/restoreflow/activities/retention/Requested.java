package dev.restoreflow.activities.retention;

import java.util.Locale;

/**
 * What the user asked for: {@code --type full|incremental|auto} and {@code --force-full}.
 */
public record Requested(Type type, boolean forceFull) {

  public enum Type {
    AUTO,
    FULL,
    INCREMENTAL;

    /** "full", "incremental" or "auto", any case. */
    public static Type fromFlag(String flag) {
      for (Type type : values()) {
        if (type.name().equalsIgnoreCase(flag == null ? "" : flag.trim())) {
          return type;
        }
      }
      throw new IllegalArgumentException("unknown backup type '" + flag
          + "': use full, incremental or auto");
    }

    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Requested {
    if (type == null) {
      type = Type.AUTO;
    }
  }

  public static Requested auto() {
    return new Requested(Type.AUTO, false);
  }

  public static Requested full() {
    return new Requested(Type.FULL, false);
  }

  public static Requested incremental() {
    return new Requested(Type.INCREMENTAL, false);
  }

  public static Requested forcedFull() {
    return new Requested(Type.AUTO, true);
  }
}
