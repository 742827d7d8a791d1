package dev.restoreflow.activities.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerCommandsTest {

  static final ResolvedContainer DOCKER = new ResolvedContainer("docker", "/usr/bin/docker",
      "pc_db", null, null, null, "postgres", "postgres:15", "/tmp");
  static final ResolvedContainer POD = new ResolvedContainer("kubernetes", "kubectl",
      "postgres-0", "postgres", "prod", "kind-prod", null, "postgres:16", "/tmp");
  static final ResolvedContainer POD_CURRENT_CONTEXT = new ResolvedContainer("kubernetes",
      "kubectl", "postgres-0", "postgres", "default", null, null, "postgres:16", "/tmp");
  static final List<String> PSQL = List.of("psql", "-XAtc", "select 1");

  @Test
  void dockerPsListsRunningContainersAsJsonLines() {
    assertEquals(List.of("docker", "ps", "--filter", "status=running", "--format", "{{json .}}"),
        ContainerCommands.dockerPs(ContainerTarget.docker(null)));
  }

  @Test
  void kubectlGetPodsBySelectorOrByName() {
    assertEquals(List.of("kubectl", "get", "pods", "-n", "default", "-l", "app=postgres", "-o",
        "json"), ContainerCommands.kubectlGetPods(ContainerTarget.kubernetes(null, null, null)));
    ContainerTarget named = new ContainerTarget("kubernetes", null, "postgres-0", null, "prod",
        "kind-prod", null, "/opt/k/kubectl", null, null);
    assertEquals(List.of("/opt/k/kubectl", "--context", "kind-prod", "get", "pods", "-n", "prod",
        "--field-selector", "metadata.name=postgres-0", "-o", "json"),
        ContainerCommands.kubectlGetPods(named));
  }

  @Test
  void execWrapsTheArgvUntouched() {
    assertEquals(List.of("/usr/bin/docker", "exec", "-i", "-u", "postgres", "pc_db", "psql",
        "-XAtc", "select 1"), ContainerCommands.exec(DOCKER, PSQL));
    assertEquals(List.of("kubectl", "--context", "kind-prod", "exec", "-i", "-n", "prod", "-c",
        "postgres", "postgres-0", "--", "psql", "-XAtc", "select 1"),
        ContainerCommands.exec(POD, PSQL));
    assertEquals(List.of("kubectl", "exec", "-i", "-n", "default", "-c", "postgres",
        "postgres-0", "--", "psql", "-XAtc", "select 1"),
        ContainerCommands.exec(POD_CURRENT_CONTEXT, PSQL));
    assertEquals(PSQL, ContainerCommands.exec(ResolvedContainer.local(), PSQL));
  }

  @Test
  void copiesBothWays() {
    assertEquals(Optional.of(List.of("/usr/bin/docker", "cp", "pc_db:/tmp/d.dump",
        "/srv/rf/d.dump")), ContainerCommands.copyOut(DOCKER, "/tmp/d.dump", "/srv/rf/d.dump"));
    assertEquals(Optional.of(List.of("/usr/bin/docker", "cp", "/srv/rf/d.dump",
        "pc_db:/tmp/d.dump")), ContainerCommands.copyIn(DOCKER, "/srv/rf/d.dump", "/tmp/d.dump"));
    assertEquals(Optional.of(List.of("kubectl", "--context", "kind-prod", "cp",
        "prod/postgres-0:/tmp/d.dump", "/srv/rf/d.dump", "-c", "postgres")),
        ContainerCommands.copyOut(POD, "/tmp/d.dump", "/srv/rf/d.dump"));
    assertEquals(Optional.of(List.of("kubectl", "--context", "kind-prod", "cp", "/srv/rf/d.dump",
        "prod/postgres-0:/tmp/d.dump", "-c", "postgres")),
        ContainerCommands.copyIn(POD, "/srv/rf/d.dump", "/tmp/d.dump"));
    assertEquals(Optional.empty(),
        ContainerCommands.copyOut(ResolvedContainer.local(), "/srv/d", "/srv/d"));
  }

  @Test
  void removeAndChecksumsRunInside() {
    assertEquals(List.of("/usr/bin/docker", "exec", "-i", "-u", "0", "pc_db", "rm", "-f",
        "/tmp/d.dump"), ContainerCommands.remove(DOCKER, "/tmp/d.dump"),
        "as root: docker cp's copies are root's and /tmp is sticky");
    assertEquals(List.of("kubectl", "--context", "kind-prod", "exec", "-i", "-n", "prod", "-c",
        "postgres", "postgres-0", "--", "sha256sum", "/tmp/d.dump"),
        ContainerCommands.sha256(POD, "/tmp/d.dump"));
    assertEquals(List.of("/usr/bin/docker", "exec", "-i", "-u", "0", "pc_db", "stat",
        "-c", "%s", "/tmp/d.dump"), ContainerCommands.size(DOCKER, "/tmp/d.dump"));
    assertEquals(Optional.of(List.of("/usr/bin/docker", "exec", "-i", "-u", "0", "pc_db", "chmod",
        "0644", "/tmp/d.dump")), ContainerCommands.makeReadable(DOCKER, "/tmp/d.dump"));
    assertEquals(Optional.empty(), ContainerCommands.makeReadable(POD, "/tmp/d.dump"),
        "kubectl cp unpacks as the container's user");
  }

  @Test
  void pathsThatCouldReadAsOptionsOrContainersAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ContainerCommands.remove(DOCKER, "-rf"));
    assertThrows(IllegalArgumentException.class,
        () -> ContainerCommands.copyOut(DOCKER, "tmp/d.dump", "/srv/d.dump"));
    IllegalArgumentException colon = assertThrows(IllegalArgumentException.class,
        () -> ContainerCommands.copyOut(POD, "/tmp/d.dump", "/srv/evil:d.dump"));
    assertTrue(colon.getMessage().contains("container:path"), colon.getMessage());
  }
}
