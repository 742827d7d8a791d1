package dev.restoreflow.worker.sandbox;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.OsUser;
import java.time.Duration;
import java.util.List;

/**
 * The OS user that owns sandbox clusters. PostgreSQL refuses to run as root, so a root worker
 * gets a system user {@code restoreflow} (created once); anyone else uses themselves.
 */
public final class SandboxUser {

  public static final String SYSTEM_USER = "restoreflow";

  private SandboxUser() {}

  public static String ensure(CommandRunner runner) {
    if (!OsUser.isRoot()) {
      return System.getProperty("user.name");
    }
    if (!runner.run(Command.of(List.of("id", "-u", SYSTEM_USER), null, Duration.ofSeconds(10)))
        .succeeded()) {
      runner.runChecked(Command.of(List.of("useradd", "--system", "--create-home", "--home-dir",
          "/var/lib/" + SYSTEM_USER, "--shell", "/bin/bash", SYSTEM_USER), null,
          Duration.ofSeconds(30)));
    }
    return SYSTEM_USER;
  }
}
