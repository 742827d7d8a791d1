package dev.restoreflow.worker.http;

import dev.restoreflow.worker.config.HttpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits the JDK's HTTP server takes only from system properties, once per process (its
 * class reads them when the first server starts): open connections and how long a whole request
 * may take to arrive (a slow client is cut off). The first server's config sets them, unless the
 * command line set them ({@code -Dsun.net.httpserver.maxReqTime=...}).
 */
final class JdkServerLimits {

  private static final Logger log = LoggerFactory.getLogger(JdkServerLimits.class);
  static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
  static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";

  private static String applied;

  private JdkServerLimits() {}

  static synchronized void apply(HttpConfig config) {
    String wanted = config.maxConnections() + "/" + config.readTimeoutSeconds();
    if (applied == null) {
      setUnlessGiven(MAX_CONNECTIONS, config.maxConnections());
      setUnlessGiven(MAX_REQUEST_SECONDS, config.readTimeoutSeconds());
      applied = wanted;
    } else if (!applied.equals(wanted)) {
      log.warn("http: maxConnections/readTimeoutSeconds {} differ from this process's first"
          + " server's {}, which stay in force", wanted, applied);
    }
  }

  private static void setUnlessGiven(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, String.valueOf(value));
    }
  }
}
