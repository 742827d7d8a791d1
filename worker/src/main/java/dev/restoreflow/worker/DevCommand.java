package dev.restoreflow.worker;

import dev.restoreflow.activities.probackup.ProbackupConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "dev",
    description = "Start the embedded default: Temporal, server, host worker and a"
    + " sandbox PostgreSQL cluster with a backup; stay up.")
final class DevCommand implements Callable<Integer> {

  @Mixin
  SandboxOptions options;

  @Override
  public Integer call() throws Exception {
    Path state = options.stateDir("dev");
    Logging.init(state.resolve("Logs"), "WARN");
    PrintStream out = System.out;
    out.println("restoreflow dev: setting up in " + state + " ...");
    DevEnvironment env = DevEnvironment.start(state, options.pgBin, options.embedded, out);
    Runtime.getRuntime().addShutdownHook(new Thread(env::close));
    Path config = env.sandbox.stateDir().resolve("config.json");
    out.println("Temporal:  " + env.temporalDescription);
    out.println("sandbox:   instance " + DevEnvironment.INSTANCE + " on host " + DevEnvironment.HOST
        + ", pgdata " + env.sandbox.instance().pgdata() + ", port " + env.sandbox.instance().port()
        + ", " + env.sandbox.backups().size() + " backup(s) in "
        + env.sandbox.instance().settings(ProbackupConfig.class).catalog());
    out.println("config:    " + config);
    if (env.gateway != null) {
      out.println("gateway:   echo \"db_instance=main1\" | nc 127.0.0.1 " + env.gateway.port());
    }
    if (env.http != null) {
      out.println("HTTP API:  curl http://127.0.0.1:" + env.http.port() + "/api/v1/instances");
    }
    if (env.nats != null) {
      out.println("NATS:      " + env.nats.url() + " (nats-server), subjects "
          + env.nats.subjectPrefix() + ".*");
      out.println("           nats req --server " + env.nats.url() + " "
          + env.nats.subjectPrefix() + ".listbackups listfiles");
    }
    out.println("logs:      " + state.resolve("Logs"));
    out.println();
    out.println("try:  ./restoreflow restore --config " + config + " --instance main1 --follow");
    out.println("restoreflow dev is up; Ctrl-C stops it.");
    Temporal.awaitForever();
    return 0;
  }
}
