package dev.restoreflow.activities.storage;

import dev.restoreflow.activities.engine.BadSettingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks the object-store keys of an engine's section and names the bad key. */
public final class ObjectStoreSettingsCheck {

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX_PART = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,100}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,32}");

  private ObjectStoreSettingsCheck() {}

  /** @param key the section's key, e.g. {@code instances.main1.basebackup} */
  public static void check(String key, ObjectStoreSettings s) {
    repository(key + ".repository", s.repository());
    if (s.endpoint() != null) {
      endpoint(key + ".endpoint", s.endpoint());
    }
    if (!REGION.matcher(s.region()).matches()) {
      throw new BadSettingException(key + ".region", "'" + s.region()
          + "' is not an S3 region name");
    }
    if ((s.accessKeyEnv() == null) != (s.secretKeyEnv() == null)) {
      throw new BadSettingException(key + (s.accessKeyEnv() == null ? ".accessKeyEnv"
          : ".secretKeyEnv"),
          "accessKeyEnv and secretKeyEnv come together (or neither: the AWS default chain)");
    }
    for (String env : new String[] {s.accessKeyEnv(), s.secretKeyEnv()}) {
      if (env != null && !ENV_NAME.matcher(env).matches()) {
        throw new BadSettingException(key + (env.equals(s.accessKeyEnv()) ? ".accessKeyEnv"
            : ".secretKeyEnv"), "must name an environment variable (A-Z, 0-9, _), not hold a key");
      }
    }
    range(key + ".partSizeMiB", s.partSizeMiB(), 5, 512);
    range(key + ".readTimeoutSeconds", s.readTimeoutSeconds(), 1, 3600);
    range(key + ".requestTimeoutSeconds", s.requestTimeoutSeconds(), 1, 86400);
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
          throw new BadSettingException(key, "prefix part '" + parts[i]
              + "' must be letters, digits,"
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
