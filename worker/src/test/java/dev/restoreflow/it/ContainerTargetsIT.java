package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.container.ContainerAccess;
import dev.restoreflow.activities.container.ContainerTarget;
import dev.restoreflow.activities.container.SafeTransfer;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.Redactor;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A database in a Docker container or a Kubernetes pod, reached through the stand-in docker and
 * kubectl clients (test resources {@code standins/}: no container can be started on these
 * machines) over a real PostgreSQL cluster of this machine: auto-detection, commands inside as the
 * container's user, a pg_dump brought out whole and restored, and a copy cut short in transit
 * (kubernetes #124571) caught.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContainerTargetsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final int ROWS = 20_000;

  private static ItSandbox it;
  private static Path bin;
  private static Path dumps;
  private static LocalCommandRunner runner;
  private static Map<String, String> containerEnv;

  @BeforeAll
  static void clusterAndStandIns() throws IOException {
    it = ItSandbox.create("containers", "local");
    it.sandbox.sql("create table items (id int primary key, name text not null);"
        + " insert into items select g, 'item ' || g from generate_series(1, " + ROWS + ") g");
    bin = Files.createDirectories(it.stateDir().resolve("standins"));
    dumps = Files.createDirectories(it.stateDir().resolve("dumps"));
    for (String tool : List.of("docker", "kubectl")) {
      try (InputStream in = ContainerTargetsIT.class.getResourceAsStream("/standins/" + tool)) {
        Files.copy(in, bin.resolve(tool));
      }
      Files.setPosixFilePermissions(bin.resolve(tool),
          PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    runner = new LocalCommandRunner(Redactor.NONE);
    containerEnv = Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(it.instance.port()),
        "PGUSER", it.instance.dbUser(), "PGDATABASE", "postgres");
  }

  @AfterAll
  static void close() throws IOException {
    if (it != null) {
      it.close();
    }
  }

  // ---- docker

  private static Map<String, Object> dockerContainer(String name, String image, String state) {
    return Map.of("name", name, "image", image, "state", state,
        "users", Map.of("postgres", it.instance.osUser()), "env", containerEnv);
  }

  private static void dockerState(List<Map<String, Object>> containers, Map<String, Object> faults)
      throws IOException {
    JSON.writeValue(bin.resolve("standin-state.json").toFile(), Map.of(
        "docker", Map.of("containers", containers), "faults", faults));
  }

  private static ContainerTarget docker(String container) {
    return ContainerTarget.docker(container)
        .withBinaries(bin.resolve("docker").toString(), bin.resolve("kubectl").toString())
        .check("instances.containers.pgdump.target");
  }

  @Test
  void dockerFindsTheRunningPostgresContainerAndRunsCommandsInsideAsItsUser() throws IOException {
    dockerState(List.of(dockerContainer("cache", "redis:7-alpine", "running"),
        dockerContainer("pc_db", "postgres:15", "running"),
        dockerContainer("pc_db_old", "postgres:14", "exited"),
        dockerContainer("pg_exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
            "running")), Map.of());
    ContainerAccess access = ContainerAccess.resolve(runner, docker(null));
    assertEquals("pc_db", access.target().name());
    assertEquals("1", inside(access, "psql", "-XAtc", "select 1"));
    assertEquals(it.instance.osUser(), inside(access, "id", "-un"),
        "docker exec -u postgres runs as the container's postgres user");
    assertEquals(String.valueOf(ROWS), inside(access, "psql", "-XAtc",
        "select count(*) from items"));
  }

  @Test
  void dockerRefusesToGuessAmongSeveralAndSaysWhenNoneRuns() throws IOException {
    dockerState(List.of(dockerContainer("pc_db", "postgres:15", "running"),
        dockerContainer("shop_db", "docker.io/library/postgres:16-alpine", "running")), Map.of());
    ApplicationFailure several = assertThrows(ApplicationFailure.class,
        () -> ContainerAccess.resolve(runner, docker(null)));
    assertEquals(FailureType.CONFIG_ERROR.name(), several.getType());
    assertTrue(several.getOriginalMessage().contains("2 running containers of a postgres image on"
        + " host local: pc_db (postgres:15), shop_db (docker.io/library/postgres:16-alpine)"),
        several.getOriginalMessage());
    assertTrue(several.getOriginalMessage().contains("set target.container"));
    assertEquals("shop_db", ContainerAccess.resolve(runner, docker("shop_db")).target().name(),
        "a named container is taken");

    dockerState(List.of(dockerContainer("cache", "redis:7-alpine", "running"),
        dockerContainer("pc_db", "postgres:15", "exited")), Map.of());
    ApplicationFailure none = assertThrows(ApplicationFailure.class,
        () -> ContainerAccess.resolve(runner, docker(null)));
    assertEquals(FailureType.CLUSTER_NOT_READY.name(), none.getType());
    assertEquals("no running containers of a postgres image on host local (found: cache"
        + " (redis:7-alpine)): start the database, or set target.container to the database's"
        + " container", none.getOriginalMessage());
  }

  @Test
  void dockerDumpComesOutWholeAndRestoresInside() throws Exception {
    dockerState(List.of(dockerContainer("pc_db", "postgres:15", "running")), Map.of());
    ContainerAccess access = ContainerAccess.resolve(runner, docker(null));
    Path host = dumps.resolve("docker-full.dump");
    SafeTransfer transfer = new SafeTransfer(access, null);
    SafeTransfer.Transferred out = transfer.writeAndCopyOut(
        path -> List.of("pg_dump", "-Fc", "-f", path, "postgres"), host.toString(), MINUTE);
    assertEquals(Files.size(host), out.bytes());
    assertEquals(sha256(host), out.sha256());
    assertTrue(out.bytes() > 50_000, "a dump of " + ROWS + " rows: " + out.bytes());
    assertTrue(pgRestoreList(host).contains("TABLE DATA public items"));
    assertNoScratchLeft(host);

    SafeTransfer.Transferred in = transfer.copyIn(host.toString(), MINUTE);
    assertEquals(out.sha256(), in.sha256());
    try {
      inside(access, "createdb", "restored_from_docker");
      inside(access, "pg_restore", "-d", "restored_from_docker", in.path());
      assertEquals(String.valueOf(ROWS), inside(access, "psql", "-d", "restored_from_docker",
          "-XAtc", "select count(*) from items"));
    } finally {
      runner.run(Command.of(access.remove(in.path()), null, MINUTE));
      inside(access, "dropdb", "--if-exists", "restored_from_docker");
    }
    assertFalse(Files.exists(Path.of(in.path())), "the archive copied in was removed");
  }

  @Test
  void dockerCopyCutShortIsCaught() throws Exception {
    dockerState(List.of(dockerContainer("pc_db", "postgres:15", "running")),
        Map.of("cpKeepFraction", 0.5));
    assertCutShortIsCaught(ContainerAccess.resolve(runner, docker(null)), "docker-short.dump");
  }

  // ---- kubernetes

  private static Map<String, Object> pod(String name, String namespace, Map<String, String> labels,
      boolean terminating) {
    return Map.of("name", name, "namespace", namespace, "labels", labels, "phase", "Running",
        "terminating", terminating, "runAs", it.instance.osUser(), "env", containerEnv,
        "containers", List.of(
            Map.of("name", "metrics", "image",
                "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
                "ready", true),
            Map.of("name", "postgres", "image", "postgres:15", "ready", true)));
  }

  private static void kubeState(List<Map<String, Object>> pods, Map<String, Object> faults)
      throws IOException {
    JSON.writeValue(bin.resolve("standin-state.json").toFile(), Map.of(
        "kubernetes", Map.of("contexts", List.of("kind-restoreflow"), "pods", pods),
        "faults", faults));
  }

  private static ContainerTarget kubernetes(String namespace) {
    return new ContainerTarget("kubernetes", null, null, null, namespace, "kind-restoreflow", null,
        bin.resolve("kubectl").toString(), null, null).check("instances.containers.pgdump.target");
  }

  private static final Map<String, String> APP_POSTGRES = Map.of("app", "postgres",
      "statefulset.kubernetes.io/pod-name", "postgres-0");

  @Test
  void kubernetesFindsTheReadyPodByLabelAndItsPostgresContainer() throws IOException {
    kubeState(List.of(pod("postgres-0", "default", APP_POSTGRES, false),
        pod("postgres-old-0", "default", Map.of("app", "postgres"), true),
        pod("web-7c9f", "default", Map.of("app", "web"), false),
        pod("postgres-0", "staging", APP_POSTGRES, false)), Map.of());
    ContainerAccess access = ContainerAccess.resolve(runner, kubernetes(null));
    assertEquals("postgres-0", access.target().name());
    assertEquals("default", access.target().namespace());
    assertEquals("postgres", access.target().container(), "not the metrics sidecar");
    assertEquals("1", inside(access, "psql", "-XAtc", "select 1"));
    assertEquals(String.valueOf(ROWS), inside(access, "psql", "-XAtc",
        "select count(*) from items"));
  }

  @Test
  void kubernetesRefusesToGuessAmongSeveralAndSaysWhenNoneIsReady() throws IOException {
    kubeState(List.of(pod("postgres-0", "default", Map.of("app", "postgres"), false),
        pod("postgres-1", "default", Map.of("app", "postgres"), false),
        pod("postgres-0", "staging", Map.of("app", "postgres"), true)), Map.of());
    ApplicationFailure several = assertThrows(ApplicationFailure.class,
        () -> ContainerAccess.resolve(runner, kubernetes(null)));
    assertEquals(FailureType.CONFIG_ERROR.name(), several.getType());
    assertTrue(several.getOriginalMessage().startsWith("2 running and ready pods with labels"
        + " app=postgres in namespace default (context kind-restoreflow): postgres-0 (Running,"
        + " 2/2 ready), postgres-1 (Running, 2/2 ready);"), several.getOriginalMessage());

    ApplicationFailure none = assertThrows(ApplicationFailure.class,
        () -> ContainerAccess.resolve(runner, kubernetes("staging")));
    assertEquals(FailureType.CLUSTER_NOT_READY.name(), none.getType());
    assertTrue(none.getOriginalMessage().startsWith("no running and ready pods with labels"
        + " app=postgres in namespace staging (context kind-restoreflow) (found: postgres-0"
        + " (terminating, 2/2 ready))"), none.getOriginalMessage());
  }

  @Test
  void kubernetesDumpComesOutWhole() throws Exception {
    kubeState(List.of(pod("postgres-0", "default", APP_POSTGRES, false)), Map.of());
    ContainerAccess access = ContainerAccess.resolve(runner, kubernetes(null));
    Path host = dumps.resolve("pod-full.dump");
    SafeTransfer.Transferred out = new SafeTransfer(access, null).writeAndCopyOut(
        path -> List.of("pg_dump", "-Fc", "-f", path, "postgres"), host.toString(), MINUTE);
    assertEquals(sha256(host), out.sha256());
    assertEquals(Files.size(host), out.bytes());
    assertTrue(pgRestoreList(host).contains("TABLE DATA public items"));
    assertNoScratchLeft(host);
  }

  @Test
  void kubernetesCopyCutShortIsCaught() throws Exception {
    kubeState(List.of(pod("postgres-0", "default", APP_POSTGRES, false)),
        Map.of("cpKeepFraction", 0.5));
    assertCutShortIsCaught(ContainerAccess.resolve(runner, kubernetes(null)), "pod-short.dump");
  }

  // ---- helpers

  /** The copy delivers half the dump and exits 0: caught, the host copy deleted, nothing left inside. */
  private static void assertCutShortIsCaught(ContainerAccess access,
      String name) throws IOException {
    Path host = dumps.resolve(name);
    ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> new SafeTransfer(access,
        null).writeAndCopyOut(path -> List.of("pg_dump", "-Fc", "-f", path, "postgres"),
            host.toString(), MINUTE));
    assertEquals(FailureType.STORAGE_FAILED.name(), e.getType());
    assertTrue(e.getOriginalMessage().matches("dump cut short in transit: (\\d+) of \\d+ bytes"
        + " arrived at " + host + " \\(copied out of " + access.target().describe().replace("(",
            "\\(")
            .replace(")", "\\)") + " on host local, and the copy exited 0: streams out of"
        + " containers can end early, kubernetes #124571\\); the backup is not used"),
        e.getOriginalMessage());
    assertFalse(Files.exists(host), "the damaged copy is not left where a backup would be");
    assertNoScratchLeft(host);
  }

  private static String inside(ContainerAccess access, String... argv) {
    CommandResult result = runner.runChecked(Command.of(access.exec(List.of(argv)), null, MINUTE));
    return result.stdout().strip();
  }

  private static String pgRestoreList(Path archive) {
    return runner.runChecked(Command.of(List.of(ItSandbox.PG_BIN + "/pg_restore", "--list",
        archive.toString()), null, MINUTE)).stdout();
  }

  /** No {@code /tmp/restoreflow-*-NAME} left inside (the stand-in's inside is this machine). */
  private static void assertNoScratchLeft(Path host) throws IOException {
    String suffix = "-" + host.getFileName();
    try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
      List<Path> left = tmp.filter(p -> p.getFileName().toString().startsWith("restoreflow-")
          && p.getFileName().toString().endsWith(suffix)).toList();
      assertEquals(List.of(), left, "scratch files left inside");
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(file)));
  }
}
