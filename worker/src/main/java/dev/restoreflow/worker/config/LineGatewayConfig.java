package dev.restoreflow.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The nc line gateway of {@code restoreflow server}.
 *
 * @param bind address to listen on; loopback unless configured otherwise
 * @param tokenEnv name of an environment variable holding a shared token that every line
 *     (restore, status, queue) must carry ({@code token=...}); null = no token
 * @param allow client addresses or CIDR blocks allowed to connect; empty = loopback only
 * @param idleTimeoutSeconds how long one whole request line may take to arrive: from the
 *     connection's start for the first, from the last reply for the others
 * @param lingerSeconds how long the gateway waits for another line after a reply before it
 *     closes: {@code echo ... | nc} (which never sends its end of input) returns this soon
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LineGatewayConfig(
    Boolean enabled,
    String bind,
    Integer port,
    String tokenEnv,
    List<String> allow,
    Integer maxConnections,
    Integer idleTimeoutSeconds,
    Integer lingerSeconds,
    Integer maxLineBytes) {

  public static LineGatewayConfig defaults() {
    return new LineGatewayConfig(true, "127.0.0.1", 5000, null, List.of(), 64, 30, 2, 4096);
  }

  public LineGatewayConfig withPort(int newPort) {
    return new LineGatewayConfig(enabled, bind, newPort, tokenEnv, allow, maxConnections,
        idleTimeoutSeconds, lingerSeconds, maxLineBytes);
  }
}
