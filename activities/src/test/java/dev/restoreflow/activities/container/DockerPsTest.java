package dev.restoreflow.activities.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerPsTest {

  /**
   * {@code docker ps --filter status=running --format '{{json .}}'} as docker 24-27 prints it:
   * one object a line, keys in alphabetical order, every value a string, non-ASCII unescaped,
   * {@code <>&} escaped as Go's encoder does, ID cut to 12 hex digits, several names comma-joined.
   */
  static final String PS = """
      {"Command":"\\"docker-entrypoint.s…\\"","CreatedAt":"2026-11-28 09:14:02 +0000 UTC","ID":"8d1c2f0e7a94","Image":"postgres:15","Labels":"com.docker.compose.config-hash=0c5ef1a2,com.docker.compose.container-number=1,com.docker.compose.oneoff=False,com.docker.compose.project=backup-orchestrator,com.docker.compose.service=pc_db,com.docker.compose.version=2.24.6","LocalVolumes":"1","Mounts":"backup-orchestrator_postgres_data","Names":"pc_db","Networks":"backup-orchestrator_default","Ports":"0.0.0.0:5432-\\u003e5432/tcp","RunningFor":"27 hours ago","Size":"0B","State":"running","Status":"Up 27 hours"}
      {"Command":"\\"docker-entrypoint.s…\\"","CreatedAt":"2026-11-28 09:14:01 +0000 UTC","ID":"51be7f3390c2","Image":"redis:7-alpine","Labels":"com.docker.compose.project=backup-orchestrator,com.docker.compose.service=cache","LocalVolumes":"1","Mounts":"4b1e0a9f2c6d…","Names":"cache,backup-orchestrator-cache-1","Networks":"backup-orchestrator_default","Ports":"6379/tcp","RunningFor":"27 hours ago","Size":"0B","State":"running","Status":"Up 27 hours (healthy)"}
      {"Command":"\\"/bin/postgres_exporter\\"","CreatedAt":"2026-11-28 09:14:03 +0000 UTC","ID":"e02a9b61d4f8","Image":"quay.io/prometheuscommunity/postgres-exporter:v0.15.0","Labels":"","LocalVolumes":"0","Mounts":"","Names":"pg_exporter","Networks":"bridge","Ports":"9187/tcp","RunningFor":"27 hours ago","Size":"0B","State":"running","Status":"Up 27 hours"}
      """;

  @Test
  void readsEachLineAsAContainer() {
    List<DockerPs.Container> containers = DockerPs.parse(PS);
    assertEquals(3, containers.size());
    DockerPs.Container db = containers.get(0);
    assertEquals("8d1c2f0e7a94", db.id());
    assertEquals("pc_db", db.name());
    assertEquals("postgres:15", db.image());
    assertEquals("running", db.state());
    assertEquals(List.of("cache", "backup-orchestrator-cache-1"), containers.get(1).names());
    assertEquals("Up 27 hours (healthy)", containers.get(1).status());
  }

  @Test
  void aContainerIsCalledByAnyNameOrItsIdOrAPrefixOfIt() {
    DockerPs.Container cache = DockerPs.parse(PS).get(1);
    assertTrue(cache.isCalled("backup-orchestrator-cache-1"));
    assertTrue(cache.isCalled("51be7f"));
    assertTrue(cache.isCalled("51be7f3390c2" + "a".repeat(52)), "a full 64-digit id");
    assertFalse(cache.isCalled("51be7f3390c3"));
    assertFalse(cache.isCalled("cach"));
  }

  @Test
  void noRunningContainerIsAnEmptyList() {
    assertEquals(List.of(), DockerPs.parse(""));
  }

  @Test
  void somethingElseThanDockersJsonIsAnError() {
    assertThrows(IllegalArgumentException.class,
        () -> DockerPs.parse("CONTAINER ID   IMAGE   COMMAND\n"));
    assertThrows(IllegalArgumentException.class, () -> DockerPs.parse("{\"Names\":\"x\"}\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgres", "postgres:15", "postgres:16-alpine",
      "docker.io/library/postgres:15", "registry.example:5000/db/postgres",
      "postgres@sha256:4d6f7c5a0e0b1d2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012",
      "ghcr.io/acme/postgres:15.6-bookworm@sha256:4d6f7c5a0e0b1d2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012"})
  void postgresImages(String image) {
    assertTrue(DockerPs.isPostgresImage(image));
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "bitnami/postgresql:16", "postgres-exporter",
      "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", "postgres/pgadmin4", "redis:7",
      "mypostgres:15", "timescale/timescaledb:latest-pg16"})
  void otherImages(String image) {
    assertFalse(DockerPs.isPostgresImage(image));
  }
}
