package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.basebackup.BackupMeta;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RestoreflowConfig;
import dev.restoreflow.activities.config.TemporalConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What the basebackup tests share: a one-instance config and `restoreflow backup` runs. */
final class BaseBackups {

  private BaseBackups() {}

  /** Host "local" and the sandbox's instance as {@code instance}; ledger and logs in its dir. */
  static RestoreflowConfig config(ItSandbox sandbox, InstanceConfig instance, String temporalTarget) {
    return new RestoreflowConfig(new TemporalConfig(temporalTarget, "default"),
        sandbox.stateDir().resolve("ledger.db").toString(),
        sandbox.stateDir().resolve("Logs").toString(),
        Map.of("local", new HostConfig(HostConfig.LOCAL)), Map.of(sandbox.sandbox.name(), instance),
        null);
  }

  static Path writeConfig(ItSandbox sandbox, RestoreflowConfig config) throws Exception {
    return RestoreflowProcess.writeConfig(config, sandbox.stateDir().resolve("config.json"));
  }

  /** Runs {@code restoreflow backup ... --json} with the S3 keys in its environment. */
  static BackupMeta backup(Path configFile, S3Server s3, String instance, String compression)
      throws Exception {
    RestoreflowProcess.Finished run = RestoreflowProcess.run(Duration.ofMinutes(3),
        s3.environment(), "backup", "--config", configFile.toString(), "--instance", instance,
        "--compression", compression, "--json");
    assertEquals(0, run.exitCode(), run.output());
    String json = run.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(run.output()));
    Thread.sleep(1100);   // backup ids are per second
    return new ObjectMapper().readValue(json, BackupMeta.class);
  }

  /** The output of the last backup run, for tests that check what it printed. */
  static RestoreflowProcess.Finished backupRun(Path configFile, S3Server s3, String instance,
      String compression) throws Exception {
    return RestoreflowProcess.run(Duration.ofMinutes(3), s3.environment(), "backup", "--config",
        configFile.toString(), "--instance", instance, "--compression", compression, "--json");
  }
}
