package dev.restoreflow.worker.config;

import dev.restoreflow.activities.cluster.ScratchTargets;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.ScratchConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks an instance's {@code scratch} section (where its clones and drills restore): the root is
 * an absolute, normalized path that is neither a data directory, nor inside one, nor above one
 * (of any instance: scratch directories are made and deleted below it); the port is a port and
 * not the instance's own; the database a plain name.
 */
final class ScratchPlace {

  private ScratchPlace() {}

  /**
   * The section, checked on its own; null when there is none (clones and drills are then
   * refused). {@link #checkAll} checks it against the other instances.
   *
   * @param pgdata the instance's data directory; null for an engine without one (its scratch is
   *     a database, and needs no root)
   */
  static ScratchConfig check(String key, ScratchConfig scratch, String pgdata, Integer port) {
    if (scratch == null) {
      return null;
    }
    String root = scratch.root();
    if (root == null) {
      if (pgdata != null) {
        throw new ConfigException(key + ".root", "is required: the directory (on the instance's"
            + " host, owned by its OS user, outside every data directory) where clones and"
            + " drills make their scratch data directories");
      }
    } else {
      if (!root.startsWith("/") || !ScratchTargets.PATH.matcher(root).matches()) {
        throw new ConfigException(key + ".root", "'" + root + "' must be an absolute path of"
            + " letters, digits and . _ + - / only");
      }
      Path normal = Path.of(root).normalize();
      if (!normal.toString().equals(root)) {
        throw new ConfigException(key + ".root", "'" + root + "' is not normalized (no . or .."
            + " parts, no double or trailing /): write it as " + normal);
      }
      if (normal.getNameCount() < 2) {
        throw new ConfigException(key + ".root", "must be at least two levels below /");
      }
      if (pgdata != null) {
        refuseOverlap(key + ".root", normal, "its own pgdata", Path.of(pgdata));
      }
    }
    if (scratch.port() != null) {
      if (scratch.port() < 1 || scratch.port() > 65535) {
        throw new ConfigException(key + ".port", "must be 1-65535");
      }
      if (scratch.port().equals(port)) {
        throw new ConfigException(key + ".port", scratch.port() + " is the instance's own port;"
            + " a scratch cluster runs beside the instance: choose another (default: port + 1)");
      }
    }
    if (scratch.database() != null
        && !ScratchTargets.DATABASE.matcher(scratch.database()).matches()) {
      throw new ConfigException(key + ".database", "'" + scratch.database() + "' is not a plain"
          + " name: use lower-case letters, digits and _ (" + ScratchTargets.DATABASE.pattern()
          + ")");
    }
    return scratch;
  }

  /** Every scratch root against every configured data and control directory. */
  static void checkAll(Map<String, InstanceConfig> instances) {
    instances.forEach((name, instance) -> {
      if (instance.scratch() == null) {
        return;
      }
      String key = "instances." + name + ".scratch";
      if (instance.scratch().database() != null
          && instance.scratch().database().equals(instance.database())) {
        throw new ConfigException(key + ".database", "'" + instance.scratch().database()
            + "' is the instance's own database; a clone or drill never restores over it");
      }
      if (instance.scratch().root() == null) {
        return;
      }
      Path root = Path.of(instance.scratch().root());
      instances.forEach((otherName, other) -> {
        if (other.pgdata() != null) {
          refuseOverlap(key + ".root", root, "instances." + otherName + ".pgdata",
              Path.of(other.pgdata()));
        }
        if (other.controlDir() != null) {
          refuseOverlap(key + ".root", root, "instances." + otherName + ".controlDir",
              Path.of(other.controlDir()));
        }
      });
    });
  }

  private static void refuseOverlap(String key, Path root, String what, Path dir) {
    Path data = dir.normalize();
    if (root.equals(data) || root.startsWith(data) || data.startsWith(root)) {
      throw new ConfigException(key, "'" + root + "' " + (root.equals(data) ? "is"
          : root.startsWith(data) ? "is inside" : "contains") + " " + what + " (" + data
          + "): scratch directories are made and deleted under the root, so it must lie outside"
          + " every data directory");
    }
  }
}
