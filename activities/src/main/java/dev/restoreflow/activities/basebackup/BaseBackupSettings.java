package dev.restoreflow.activities.basebackup;

import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.activities.config.BaseBackupConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks an instance's {@code basebackup} block and names the bad key. */
public final class BaseBackupSettings {

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX_PART = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,100}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,32}");

  private BaseBackupSettings() {}

  public static BaseBackupConfig validate(String key, BaseBackupConfig b) {
    if (b == null) {
      throw new BadSettingException(key, "is required for engine basebackup: {\"repository\":"
          + " \"s3://bucket/prefix\" or \"file:///dir\", ...}");
    }
    repository(key + ".repository", b.repository());
    if (b.endpoint() != null) {
      endpoint(key + ".endpoint", b.endpoint());
    }
    if (!REGION.matcher(b.region()).matches()) {
      throw new BadSettingException(key + ".region", "'" + b.region() + "' is not an S3 region name");
    }
    if ((b.accessKeyEnv() == null) != (b.secretKeyEnv() == null)) {
      throw new BadSettingException(key + (b.accessKeyEnv() == null ? ".accessKeyEnv" : ".secretKeyEnv"),
          "accessKeyEnv and secretKeyEnv come together (or neither: the AWS default chain)");
    }
    for (String env : new String[] {b.accessKeyEnv(), b.secretKeyEnv()}) {
      if (env != null && !ENV_NAME.matcher(env).matches()) {
        throw new BadSettingException(key + (env.equals(b.accessKeyEnv()) ? ".accessKeyEnv"
            : ".secretKeyEnv"), "must name an environment variable (A-Z, 0-9, _), not hold a key");
      }
    }
    if (!BaseBackupConfig.COMPRESSIONS.contains(b.compression())) {
      throw new BadSettingException(key + ".compression", "'" + b.compression() + "' is not one of "
          + BaseBackupConfig.COMPRESSIONS);
    }
    range(key + ".parallelDownloads", b.parallelDownloads(), 1, 64);
    range(key + ".partSizeMiB", b.partSizeMiB(), 5, 512);
    range(key + ".readTimeoutSeconds", b.readTimeoutSeconds(), 1, 3600);
    range(key + ".requestTimeoutSeconds", b.requestTimeoutSeconds(), 1, 86400);
    for (Map.Entry<String, String> setting : b.settings().entrySet()) {
      String name = setting.getKey();
      String value = setting.getValue();
      if (!RecoverySettings.isSettingName(name)) {
        throw new BadSettingException(key + ".settings", "'" + name + "' is not a PostgreSQL setting"
            + " name (letters, digits and _, or extension.name)");
      }
      if (value == null || value.length() > 1024 || !RecoverySettings.isOneLineValue(value)) {
        throw new BadSettingException(key + ".settings." + name, "must be a one-line value of at most"
            + " 1024 characters, without line breaks, NUL or other control characters (quotes"
            + " and backslashes are fine: they are written as ALTER SYSTEM writes them)");
      }
    }
    return b;
  }

  private static void repository(String key, String url) {
    if (url == null) {
      throw new BadSettingException(key, "is required: s3://bucket/prefix or file:///dir");
    }
    if (url.startsWith("s3://")) {
      String rest = url.substring(5).replaceAll("/+$", "");
      String[] parts = rest.split("/", -1);
      if (!BUCKET.matcher(parts[0]).matches()) {
        throw new BadSettingException(key, "'" + parts[0] + "' is not an S3 bucket name");
      }
      for (int i = 1; i < parts.length; i++) {
        if (!PREFIX_PART.matcher(parts[i]).matches() || parts[i].matches("\\.+")) {
          throw new BadSettingException(key, "prefix part '" + parts[i] + "' must be letters, digits,"
              + " _ . - (and not . or ..)");
        }
      }
    } else if (url.startsWith("file://")) {
      String dir = url.substring(7);
      Path path = Path.of(dir);
      if (!path.isAbsolute() || !path.normalize().toString().equals(dir.replaceAll("/+$", ""))
          || path.getNameCount() < 1) {
        throw new BadSettingException(key, "file:// needs an absolute, normalized directory (got '"
            + url + "')");
      }
    } else {
      throw new BadSettingException(key, "must start with s3:// or file:// (got '" + url + "')");
    }
  }

  private static void endpoint(String key, String endpoint) {
    try {
      URI uri = new URI(endpoint);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null) {
        throw new BadSettingException(key, "must be http(s)://host[:port] without credentials");
      }
    } catch (URISyntaxException e) {
      throw new BadSettingException(key, "is not a URL: " + e.getReason());
    }
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new BadSettingException(key, "must be " + min + "-" + max);
    }
  }
}
