package dev.restoreflow.activities.mysqltables;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.host.HostStep;
import dev.restoreflow.workflows.FailureType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a step needs to reach the server: the instance's settings and an option file with the
 * password read from the environment variable the config names.
 */
final class Connection implements AutoCloseable {

  final MysqlTablesConfig config;
  final OptionFile options;
  final ArchiveDirectory archives;

  private Connection(MysqlTablesConfig config, OptionFile options) {
    this.config = config;
    this.options = options;
    this.archives = new ArchiveDirectory(config);
  }

  /**
   * @throws io.temporal.failure.ApplicationFailure NOT_SUPPORTED for a host over SSH,
   *     CONFIG_ERROR when the password's variable is not set
   */
  static Connection open(HostStep step) {
    if (!(step.runner() instanceof LocalCommandRunner)) {
      throw Failures.of(FailureType.NOT_SUPPORTED, "the mysqltables engine runs mariadb-dump and"
          + " 7zz on the worker's own machine; host " + step.host() + " is reached over SSH: run"
          + " a worker on it (restoreflow worker --host " + step.host() + ")");
    }
    MysqlTablesConfig config = step.instance().settings(MysqlTablesConfig.class);
    String password = null;
    if (config.passwordEnv() != null) {
      password = step.services().environment().apply(config.passwordEnv());
      if (password == null) {
        throw Failures.of(FailureType.CONFIG_ERROR, "environment variable "
            + config.passwordEnv() + " (instances." + step.instanceName()
            + ".mysqltables.passwordEnv) is not set for the worker of host " + step.host());
      }
    }
    try {
      return new Connection(config, OptionFile.write(config, password));
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.CONFIG_ERROR, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("writing the option file", e);
    }
  }

  SqlSession session() throws IOException {
    return SqlSession.open(config, options, config.database());
  }

  @Override
  public void close() {
    options.close();
  }
}
