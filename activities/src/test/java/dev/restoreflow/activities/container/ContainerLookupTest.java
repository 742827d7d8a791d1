package dev.restoreflow.activities.container;

import static dev.restoreflow.activities.container.ScriptedRunner.exit;
import static dev.restoreflow.activities.container.ScriptedRunner.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandTimeoutException;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContainerLookupTest {

  static final String PS = DockerPsTest.PS;

  static ContainerAccess resolve(String stdout, ContainerTarget target) {
    return ContainerAccess.resolve(new ScriptedRunner(argv -> ok(stdout)), target.check("t"));
  }

  static ApplicationFailure failure(String stdout, ContainerTarget target) {
    return assertThrows(ApplicationFailure.class, () -> resolve(stdout, target));
  }

  @Test
  void dockerFindsTheOneContainerOfAPostgresImage() {
    ResolvedContainer found = resolve(PS, ContainerTarget.docker(null)).target();
    assertEquals(new ResolvedContainer("docker", "docker", "pc_db", null, null, null, "postgres",
        "postgres:15", "/tmp"), found);
  }

  @Test
  void dockerTakesANamedContainerByAnyNameOrId() {
    assertEquals("cache", resolve(PS, ContainerTarget.docker("backup-orchestrator-cache-1"))
        .target().name());
    assertEquals("pg_exporter", resolve(PS, ContainerTarget.docker("e02a9b61d4f8")).target()
        .name());
  }

  @Test
  void severalPostgresContainersAreAConfigErrorNamingThem() {
    String two = PS + PS.lines().findFirst().orElseThrow()
        .replace("8d1c2f0e7a94", "aa11bb22cc33").replace("\"pc_db\"", "\"pc_db_copy\"")
        .replace("postgres:15", "docker.io/library/postgres:16") + "\n";
    ApplicationFailure e = failure(two, ContainerTarget.docker(null));
    assertEquals(FailureType.CONFIG_ERROR.name(), e.getType());
    assertTrue(e.isNonRetryable());
    assertTrue(e.getOriginalMessage().startsWith("2 running containers of a postgres image on host"
        + " db7: pc_db (postgres:15), pc_db_copy (docker.io/library/postgres:16);"),
        e.getOriginalMessage());
    assertTrue(e.getOriginalMessage().endsWith("set target.container to the database's container"),
        e.getOriginalMessage());
  }

  @Test
  void noPostgresContainerSaysWhatRunsAndWhatToDo() {
    String noDb = PS.lines().skip(1).reduce("", (a, b) -> a + b + "\n");
    ApplicationFailure e = failure(noDb, ContainerTarget.docker(null));
    assertEquals(FailureType.CLUSTER_NOT_READY.name(), e.getType());
    assertEquals("no running containers of a postgres image on host db7 (found: cache"
        + " (redis:7-alpine), pg_exporter (quay.io/prometheuscommunity/postgres-exporter:v0.15.0)):"
        + " start the database, or set target.container to the database's container",
        e.getOriginalMessage());
  }

  @Test
  void aNamedContainerThatDoesNotRunIsNotReady() {
    ApplicationFailure e = failure(PS, ContainerTarget.docker("pc_db_old"));
    assertEquals(FailureType.CLUSTER_NOT_READY.name(), e.getType());
    assertTrue(e.getOriginalMessage().startsWith("docker container 'pc_db_old' is not running on"
        + " host db7 (running: pc_db (postgres:15), cache (redis:7-alpine)"),
            e.getOriginalMessage());
  }

  @Test
  void aMissingClientIsAMissingTool() {
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> ContainerAccess.resolve(
        new ScriptedRunner(argv -> ScriptedRunner.missing()), ContainerTarget.docker(null)));
    assertEquals(FailureType.TOOL_MISSING.name(), e.getType());
    assertTrue(e.getOriginalMessage().contains("install it, or set target.dockerBinary"),
        e.getOriginalMessage());
  }

  @Test
  void aClientMissingOnAnSshHostIsAMissingTool() {
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> ContainerAccess.resolve(
        new ScriptedRunner(argv -> exit(127, "bash: line 1: kubectl: command not found")),
        ContainerTarget.kubernetes("postgres-0", null, null)));
    assertEquals(FailureType.TOOL_MISSING.name(), e.getType());
    assertEquals("kubectl cannot be run on host db7 (bash: line 1: kubectl: command not found):"
        + " install it, or set target.kubectlBinary to its path", e.getOriginalMessage());
  }

  @Test
  void aClientThatHangsIsATimeoutNotAMissingTool() {
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> ContainerAccess.resolve(
        new ScriptedRunner(argv -> {
          throw new CommandTimeoutException(Command.of(argv, null, Duration.ofMinutes(1)),
              Duration.ofMinutes(1), new CommandResult(-1, "", "", 60_000));
        }), ContainerTarget.kubernetes(null, null, null)));
    assertEquals(FailureType.COMMAND_TIMEOUT.name(), e.getType());
  }

  @Test
  void aNamedPodThatIsNotReadyIsNotReady() {
    ApplicationFailure e = failure(KubePodsTest.list(KubePodsTest.PENDING),
        ContainerTarget.kubernetes("postgres-3", null, "prod"));
    assertEquals(FailureType.CLUSTER_NOT_READY.name(), e.getType());
    assertEquals("no running and ready pod prod/postgres-3 (found: postgres-3 (Pending, 0/1"
        + " ready)): start the database, or correct target.pod", e.getOriginalMessage());
  }

  @Test
  void aFailingClientIsACommandFailureWithItsStderr() {
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> ContainerAccess.resolve(
        new ScriptedRunner(argv -> exit(1, "Cannot connect to the Docker daemon at"
            + " unix:///var/run/docker.sock. Is the docker daemon running?")),
        ContainerTarget.docker(null)));
    assertEquals(FailureType.COMMAND_FAILED.name(), e.getType());
    assertTrue(e.getOriginalMessage().contains("Is the docker daemon running?"),
        e.getOriginalMessage());
  }

  static final String PODS = KubePodsTest.list(KubePodsTest.READY, KubePodsTest.TERMINATING,
      KubePodsTest.NOT_READY, KubePodsTest.PENDING);

  @Test
  void kubernetesTakesTheOneUsablePodAndItsPostgresContainer() {
    ResolvedContainer found = resolve(PODS, ContainerTarget.kubernetes(null, null, "prod"))
        .target();
    assertEquals(new ResolvedContainer("kubernetes", "kubectl", "postgres-0", "postgres", "prod",
        null, null, "postgres:16.4", "/tmp"), found);
  }

  @Test
  void aNamedContainerMustBeInThePod() {
    ContainerTarget t = new ContainerTarget("kubernetes", "pg", "postgres-0", null, "prod", null,
        null, null, null, null);
    ApplicationFailure e = failure(KubePodsTest.list(KubePodsTest.READY), t);
    assertEquals(FailureType.CONFIG_ERROR.name(), e.getType());
    assertEquals("pod postgres-0 has no container 'pg' (it has: postgres (postgres:16.4), metrics"
        + " (quay.io/prometheuscommunity/postgres-exporter:v0.15.0)): correct target.container",
        e.getOriginalMessage());
  }

  @Test
  void severalUsablePodsAreAConfigError() {
    String two = KubePodsTest.list(KubePodsTest.READY,
        KubePodsTest.READY.replace("postgres-0", "postgres-5"));
    ApplicationFailure e = failure(two, ContainerTarget.kubernetes(null, null, "prod"));
    assertEquals(FailureType.CONFIG_ERROR.name(), e.getType());
    assertEquals("2 running and ready pods with labels app=postgres in namespace prod:"
        + " postgres-0 (Running, 2/2 ready), postgres-5 (Running, 2/2 ready); restoreflow will"
        + " not guess which one holds the database: set target.pod (or narrower target.labels)",
        e.getOriginalMessage());
  }

  @Test
  void noUsablePodListsWhatWasFound() {
    String none = KubePodsTest.list(KubePodsTest.TERMINATING, KubePodsTest.PENDING);
    ApplicationFailure e = failure(none, ContainerTarget.kubernetes(null, null, "prod"));
    assertEquals(FailureType.CLUSTER_NOT_READY.name(), e.getType());
    assertEquals("no running and ready pods with labels app=postgres in namespace prod (found:"
        + " postgres-1 (terminating, 1/1 ready), postgres-3 (Pending, 0/1 ready)): start the"
        + " database, or set target.pod (or narrower target.labels)", e.getOriginalMessage());
  }

  @Test
  void localNeedsNoLookup() {
    ScriptedRunner runner = new ScriptedRunner(argv -> {
      throw new AssertionError("ran " + argv);
    });
    assertEquals(ResolvedContainer.local(),
        ContainerAccess.resolve(runner, ContainerTarget.local()).target());
  }
}
