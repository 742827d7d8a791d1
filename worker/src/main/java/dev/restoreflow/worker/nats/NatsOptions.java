package dev.restoreflow.worker.nats;

import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.config.NatsConfig;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.Function;

/**
 * The jnats connection options of the gateway: credentials read from the environment variables
 * (or the creds file) the config names, TLS from its PEM files, and reconnecting forever.
 */
final class NatsOptions {

  private NatsOptions() {}

  /** @throws ConfigException naming the key whose variable is unset or whose file is unusable */
  static Options of(NatsConfig nats, Function<String, String> env, ConnectionListener connections,
      ErrorListener errors) {
    Options.Builder builder = new Options.Builder()
        .server(nats.url())
        .connectionName("restoreflow " + nats.serviceName())
        .maxReconnects(-1)
        .reconnectDelayHandler(new ReconnectBackoff(Math::random))
        .connectionTimeout(Duration.ofSeconds(5))
        .connectionListener(connections)
        .errorListener(errors);
    if (nats.userEnv() != null) {
      builder.userInfo(required(env, "nats.userEnv", nats.userEnv()).toCharArray(),
          required(env, "nats.passwordEnv", nats.passwordEnv()).toCharArray());
    } else if (nats.tokenEnv() != null) {
      builder.token(required(env, "nats.tokenEnv", nats.tokenEnv()).toCharArray());
    } else if (nats.credsFile() != null) {
      if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(nats.credsFile()))) {
        throw new ConfigException("nats.credsFile", nats.credsFile() + " cannot be read");
      }
      builder.authHandler(Nats.credentials(nats.credsFile()));
    }
    if (nats.tls() != null) {
      try {
        builder.sslContext(PemTls.context(nats.tls()));
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigException("nats.tls", "the PEM files cannot be used: " + e.getMessage());
      }
    }
    return builder.build();
  }

  private static String required(Function<String, String> env, String key, String variable) {
    String value = env.apply(variable);
    if (value == null || value.isEmpty()) {
      throw new ConfigException(key, "environment variable " + variable + " is not set");
    }
    return value;
  }
}
