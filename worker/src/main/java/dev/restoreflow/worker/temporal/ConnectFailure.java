package dev.restoreflow.worker.temporal;

import dev.restoreflow.worker.config.TemporalConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * A failed call to Temporal told as one line that names what to check in the config, instead of a
 * gRPC status with a chain of TLS exceptions.
 */
final class ConnectFailure {

  private ConnectFailure() {}

  static String explain(TemporalConfig config, RuntimeException e) {
    String where = "the Temporal server at " + config.target();
    TemporalConfig.Tls tls = config.tls();
    String tlsProblem = tlsProblem(config, e);
    if (tlsProblem != null) {
      return "cannot connect to " + where + " over TLS: " + tlsProblem;
    }
    if (!(e instanceof StatusRuntimeException s)) {
      return "cannot reach " + where + " (" + e.getMessage() + ")";
    }
    Status status = s.getStatus();
    String detail = status.getCode() + (status.getDescription() == null ? ""
        : ": " + status.getDescription());
    return switch (status.getCode()) {
      case NOT_FOUND -> where + " has no namespace '" + config.namespace() + "' (" + detail
          + "); create it (temporal operator namespace create " + config.namespace()
          + ") or fix temporal.namespace in the config";
      case UNAUTHENTICATED, PERMISSION_DENIED -> where + " refused this client (" + detail
          + "); check " + (config.hasApiKey() ? "the API key (temporal.apiKeyEnv /"
              + " temporal.apiKeyFile) and its access to namespace '" + config.namespace() + "'"
              : "the credentials it wants: an API key (temporal.apiKeyEnv or temporal.apiKeyFile)"
                  + " or a client certificate (temporal.tls.certFile and keyFile)");
      default -> "cannot reach " + where + " (" + detail + "); "
          + (tls == null ? "start one (e.g. `./restoreflow dev`) or fix temporal.target in the"
              + " config; if the server wants TLS, add a temporal.tls section"
              : "is it up, and does it speak TLS on that port? Check temporal.target and"
                  + " temporal.tls");
    };
  }

  /** What the TLS handshake said, in words; null when the failure is not a TLS one. */
  private static String tlsProblem(TemporalConfig config, Throwable e) {
    TemporalConfig.Tls tls = config.tls();
    SSLException handshake = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      String lower = message.toLowerCase(Locale.ROOT);
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
          || lower.contains("pkix path") || lower.contains("certification path")) {
        return "the server's certificate is not signed by a CA this client trusts; check"
            + " temporal.tls.caFile (" + (tls == null || tls.caFile() == null
                ? "not set: the JVM's trusted CAs are used" : tls.caFile()) + ")";
      }
      if (t instanceof CertificateException && (lower.contains("subject alternative")
          || lower.contains("no name matching"))) {
        String name = tls != null && tls.serverName() != null ? tls.serverName()
            : config.target().replaceAll(":\\d+$", "");
        return "the server's certificate is not for '" + name + "'; check temporal.tls.serverName"
            + " (the name in the server's certificate) and temporal.target";
      }
      if (lower.contains("certificate_required") || lower.contains("bad_certificate")
          || lower.contains("unknown_ca") || lower.contains("certificate_unknown")
          || lower.contains("access_denied")) {
        return "the server refused this client's certificate (" + alert(message) + "); it wants"
            + " mutual TLS: check temporal.tls.certFile and temporal.tls.keyFile ("
            + (tls == null || tls.certFile() == null ? "not set"
                : "a certificate signed by a CA the server trusts") + ")";
      }
      if (lower.contains("not an ssl/tls record")) {
        return "the server does not speak TLS on that port; remove temporal.tls, or fix"
            + " temporal.target";
      }
      if (handshake == null && t instanceof SSLException ssl) {
        handshake = ssl;
      }
    }
    return handshake == null ? null
        : "TLS handshake failed (" + handshake.getMessage() + "); check temporal.tls";
  }

  private static final Pattern ALERT = Pattern.compile(
      "(?i)(TLSV\\d*_ALERT_[A-Z_]+|SSLV3_ALERT_[A-Z_]+|received fatal alert: [a-z_]+)");

  /** The TLS alert's name alone, without the engine's exception text. */
  private static String alert(String message) {
    Matcher m = ALERT.matcher(message);
    return m.find() ? "TLS alert " + m.group(1) : "a TLS alert";
  }
}
