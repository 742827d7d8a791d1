package dev.restoreflow.activities.pgbackrest;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.BadSettingException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** Checks an instance's {@code pgbackrest} block and names the bad key. */
final class PgBackRestSettings {

  /** pgBackRest's stanza names: letters, digits, _ . - (no spaces, no leading dash). */
  private static final Pattern STANZA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  static final List<String> COMPRESS_TYPES = List.of("none", "bz2", "gz", "lz4", "zst");

  private PgBackRestSettings() {}

  /** @param key e.g. {@code instances.main1.pgbackrest}; @param name the instance's name */
  static PgBackRestConfig check(String key, String name, InstanceConfig instance,
      PgBackRestConfig p) {
    if (p == null || p.repoPath() == null && p.configFile() == null) {
      throw new BadSettingException(key + ".repoPath", "is required unless " + key
          + ".configFile is given: the stanza's repository (pgBackRest's repo1-path), or the"
          + " pgBackRest config file that names it");
    }
    String stanza = p.stanza() == null ? name : p.stanza();
    if (!STANZA.matcher(stanza).matches()) {
      throw new BadSettingException(key + ".stanza", "'" + stanza
          + "' is not a valid stanza name (letters, digits, _ . -)");
    }
    String repoPath = p.repoPath() == null ? null : absolute(key + ".repoPath", p.repoPath());
    if (repoPath != null) {
      Path repo = Path.of(repoPath);
      Path pgdata = Path.of(instance.pgdata()).normalize();
      if (repo.startsWith(pgdata) || pgdata.startsWith(repo)) {
        throw new BadSettingException(key + ".repoPath", "'" + repoPath + "' and pgdata ('"
            + pgdata + "') must not contain each other: a restore rewrites the data directory");
      }
    }
    String configFile = p.configFile() == null ? null
        : absolute(key + ".configFile", p.configFile());
    if (p.processMax() < 1 || p.processMax() > 64) {
      throw new BadSettingException(key + ".processMax", "must be 1-64");
    }
    if (p.compressType() != null && !COMPRESS_TYPES.contains(p.compressType())) {
      throw new BadSettingException(key + ".compressType", "must be one of "
          + String.join(", ", COMPRESS_TYPES) + " (got '" + p.compressType() + "')");
    }
    String socketPath = p.socketPath() != null ? absolute(key + ".socketPath", p.socketPath())
        : instance.connectHost() != null && instance.connectHost().startsWith("/")
            ? instance.connectHost() : null;
    if (p.binary().isBlank() || p.binary().startsWith("-")) {
      throw new BadSettingException(key + ".binary", "must name the pgbackrest program");
    }
    return new PgBackRestConfig(p.binary(), stanza, repoPath, configFile, p.processMax(),
        p.compressType(), socketPath);
  }

  private static String absolute(String key, String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute() || !p.normalize().toString().equals(path.replaceAll("/+$", ""))) {
      throw new BadSettingException(key, "must be an absolute, normalized path (got '" + path
          + "')");
    }
    return p.normalize().toString();
  }
}
