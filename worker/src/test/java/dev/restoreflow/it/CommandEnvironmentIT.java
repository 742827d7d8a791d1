package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.cluster.ClusterControl;
import dev.restoreflow.activities.cluster.ClusterState;
import dev.restoreflow.activities.exec.CommandEnvironment;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a postmaster started by restoreflow keeps of the worker's environment: any database
 * superuser can read it ({@code COPY ... FROM PROGRAM 'env'}, /proc/PID/environ).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CommandEnvironmentIT {

  private static final String SECRET = "wJalrXUtnFEMI-it-secret-3c1d";

  @Test
  void aPostmasterStartedByTheWorkerHoldsNoneOfTheWorkersSecrets() throws Exception {
    try (ItSandbox it = ItSandbox.create("envleak", "local")) {
      it.sandbox.cluster().stop(false);
      Map<String, String> worker = new HashMap<>(System.getenv());
      worker.put("AWS_SECRET_ACCESS_KEY", SECRET);
      worker.put("RESTOREFLOW_KEY_PASS", SECRET);
      ClusterControl cluster = new ClusterControl(new LocalCommandRunner(Redactor.NONE, worker),
          it.instance);
      cluster.start(() -> false);
      assertEquals(ClusterState.RUNNING, cluster.state());

      Path pidFile = Path.of(it.instance.pgdata(), "postmaster.pid");
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      List<String> environ = List.of(new String(Files.readAllBytes(
          Path.of("/proc", String.valueOf(pid), "environ")), StandardCharsets.UTF_8).split("\0"));
      assertFalse(environ.stream().anyMatch(e -> e.contains(SECRET)), environ.toString());
      assertTrue(environ.contains("PATH=" + CommandEnvironment.PATH), environ.toString());
      assertEquals("t", cluster.queryValue("select 't'"), "the cluster works as before");
    }
  }
}
