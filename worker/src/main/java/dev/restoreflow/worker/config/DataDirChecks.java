package dev.restoreflow.worker.config;

import dev.restoreflow.activities.config.InstanceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks across instances that a restore, which empties an instance's pgdata, never empties
 * anything else: another instance's data or control directory on a host both may be restored
 * onto (the same path on two different hosts is fine), or restoreflow's own files. Own files are
 * checked against every pgdata, whatever its host: the config cannot tell which machine uses
 * them.
 */
final class DataDirChecks {

  private DataDirChecks() {}

  /**
   * @param instances the validated instances, in the file's order
   * @param raws the instances as written (to tell a configured serverLog from the default)
   * @param serverFiles the ledger and log directory, resolved as the CLI does, by key
   */
  static void check(Map<String, InstanceConfig> instances, Map<String, RawInstance> raws,
      Map<String, Path> serverFiles) {
    List<String> names = new ArrayList<>(instances.keySet());
    for (int b = 0; b < names.size(); b++) {
      InstanceConfig instance = instances.get(names.get(b));
      ownControlDir(names.get(b), instance);
      String key = "instances." + names.get(b) + ".pgdata";
      for (int a = 0; a < names.size(); a++) {
        InstanceConfig other = instances.get(names.get(a));
        Optional<String> host = commonHost(instance, other);
        if (a == b || host.isEmpty() || instance.pgdata() == null) {
          continue;
        }
        if (a < b && other.pgdata() != null) {   // each pair once, at the later instance
          overlap(key, instance.pgdata(), "instances." + names.get(a) + ".pgdata", other.pgdata(),
              host.get());
        }
        if (other.controlDir() != null) {
          overlap(key, instance.pgdata(), "instances." + names.get(a) + ".controlDir",
              other.controlDir(), host.get());
        }
      }
    }
    Map<String, Path> own = new LinkedHashMap<>(serverFiles);
    instances.forEach((name, instance) -> own.putAll(ownFiles(name, instance, raws.get(name))));
    own.forEach((key, file) -> instances.forEach((name, instance) -> {
      if (instance.pgdata() == null) {   // an engine without a data directory
        return;
      }
      Path pgdata = Path.of(instance.pgdata());
      if (file.startsWith(pgdata)) {
        throw new ConfigException(key, "'" + file + "' is inside instances." + name + ".pgdata ('"
            + pgdata + "'), which a restore empties; put it outside every data directory");
      }
    }));
  }

  /** A host both instances may be restored onto, if any. */
  private static Optional<String> commonHost(InstanceConfig one, InstanceConfig other) {
    return one.restoreHosts().stream().filter(other.restoreHosts()::contains).findFirst();
  }

  private static void ownControlDir(String name, InstanceConfig instance) {
    if (instance.controlDir() != null && instance.pgdata() != null
        && !instance.controlDir().equals(instance.pgdata())
        && Path.of(instance.controlDir()).startsWith(Path.of(instance.pgdata()))) {
      throw new ConfigException("instances." + name + ".controlDir", "'" + instance.controlDir()
          + "' is inside the instance's pgdata, which a restore empties");
    }
  }

  private static void overlap(String key, String dir, String otherKey, String otherDir,
      String host) {
    Path path = Path.of(dir);
    Path otherPath = Path.of(otherDir);
    String relation = path.equals(otherPath) ? "is the same directory as"
        : path.startsWith(otherPath) ? "is inside"
        : otherPath.startsWith(path) ? "contains" : null;
    if (relation != null) {
      throw new ConfigException(key, "'" + dir + "' " + relation + " " + otherKey + " ('"
          + otherDir + "'), and both instances may be restored onto host " + host
          + ": a restore of one would empty the other's; give each its own directory");
    }
  }

  /**
   * restoreflow's files an instance names: its engine's (a catalog, a file:// repository) and a
   * configured serverLog.
   */
  private static Map<String, Path> ownFiles(String name, InstanceConfig instance,
      RawInstance raw) {
    String key = "instances." + name;
    Map<String, Path> files = new LinkedHashMap<>();
    instance.settings().ownPaths().forEach((sub, path) ->
        files.put(key + "." + instance.engine() + "." + sub, Path.of(path)));
    if (raw.serverLog() != null) {   // the default lives beside pgdata
      files.put(key + ".serverLog", Path.of(instance.serverLog()));
    }
    return files;
  }
}
