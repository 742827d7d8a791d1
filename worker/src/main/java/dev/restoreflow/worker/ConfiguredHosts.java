package dev.restoreflow.worker;

import dev.restoreflow.activities.host.HostRunners;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.activities.exec.SshCommandRunner;
import dev.restoreflow.activities.exec.SshSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command runner of each configured host: one shared local runner, or a new SSH runner
 * (its own session, closed by the step that asked for it).
 */
final class ConfiguredHosts implements HostRunners {

  private final RestoreflowConfig config;
  private final Redactor redactor;
  private final CommandRunner local;

  ConfiguredHosts(RestoreflowConfig config) {
    this.config = config;
    List<String> secrets = new ArrayList<>();
    config.hosts().values().forEach(h -> secrets.add(passphrase(h)));
    this.redactor = new Redactor(secrets);
    this.local = new LocalCommandRunner(redactor);
  }

  @Override
  public CommandRunner forHost(String host) {
    HostConfig h = config.hosts().get(host);
    if (h == null) {
      throw new IllegalArgumentException("host '" + host + "' is not configured");
    }
    if (!h.isSsh()) {
      return local;
    }
    return new SshCommandRunner(new SshSettings(h.address(), h.port(), h.user(), h.privateKey(),
        passphrase(h), h.knownHosts(), Boolean.TRUE.equals(h.acceptNewHostKeys()),
        Duration.ofSeconds(h.connectTimeoutSeconds())), redactor);
  }

  @Override
  public CommandRunner worker() {
    return local;
  }

  private static String passphrase(HostConfig h) {
    return h.passphraseEnv() == null ? null : System.getenv(h.passphraseEnv());
  }
}
