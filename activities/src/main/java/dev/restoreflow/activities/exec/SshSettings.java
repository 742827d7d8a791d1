package dev.restoreflow.activities.exec;

import java.time.Duration;

/** What an SSH connection needs; the passphrase is a secret and never printed. */
public record SshSettings(String address, int port, String user, String privateKey,
    String passphrase, String knownHosts, boolean acceptNewHostKeys, Duration connectTimeout) {

  @Override
  public String toString() {
    return "ssh://" + user + "@" + address + ":" + port;
  }
}
