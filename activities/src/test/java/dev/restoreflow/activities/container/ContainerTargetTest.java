package dev.restoreflow.activities.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.activities.engine.SettingsSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerTargetTest {

  private static final String KEY = "instances.shop.pgdump.target";

  static ContainerTarget read(String json) throws Exception {
    return SettingsSection.read(KEY, new ObjectMapper().readTree(json), ContainerTarget.class);
  }

  @Test
  void anEmptyTargetIsTheHostItself() throws Exception {
    ContainerTarget t = read("{}").check(KEY);
    assertTrue(t.isLocal());
    assertNull(t.container());
    assertNull(t.osUser());
    assertNull(t.scratchDir());
  }

  @Test
  void dockerDefaultsToAutoDetectionAsPostgresWithScratchInTmp() throws Exception {
    ContainerTarget t = read("{\"kind\": \"docker\"}").check(KEY);
    assertNull(t.container());
    assertEquals("postgres", t.osUser());
    assertEquals("docker", t.dockerBinary());
    assertEquals("/tmp", t.scratchDir());
  }

  @Test
  void kubernetesDefaultsToAppPostgresInTheDefaultNamespace() throws Exception {
    ContainerTarget t = read("{\"kind\": \"kubernetes\"}").check(KEY);
    assertEquals("app=postgres", t.labels());
    assertEquals("default", t.namespace());
    assertNull(t.pod());
    assertNull(t.osUser(), "kubectl exec cannot choose a user");
    assertEquals("kubectl", t.kubectlBinary());
  }

  @Test
  void aNamedPodNeedsNoLabels() throws Exception {
    ContainerTarget t = read("{\"kind\": \"kubernetes\", \"pod\": \"postgres-0\", \"namespace\":"
        + " \"prod\", \"container\": \"postgres\", \"context\": \"arn:aws:eks:eu-west-1:123456789012:cluster/prod\"}")
        .check(KEY);
    assertNull(t.labels());
    assertEquals("prod", t.namespace());
  }

  @Test
  void anUnknownKeyIsNamedWithTheKnownOnes() {
    BadSettingException e = assertThrows(BadSettingException.class,
        () -> read("{\"kind\": \"docker\", \"containr\": \"db\"}"));
    assertEquals(KEY + ".containr", e.key());
    assertTrue(e.getMessage().contains("container"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"kind\": \"podman\"}                                            | kind",
      "{\"kind\": \"docker\", \"container\": \"-it\"}                    | container",
      "{\"kind\": \"docker\", \"container\": \"db;rm -rf /\"}            | container",
      "{\"kind\": \"docker\", \"container\": \"\"}                       | container",
      "{\"kind\": \"docker\", \"osUser\": \"--privileged\"}              | osUser",
      "{\"kind\": \"docker\", \"osUser\": \"post gres\"}                 | osUser",
      "{\"kind\": \"docker\", \"pod\": \"postgres-0\"}                   | pod",
      "{\"kind\": \"docker\", \"namespace\": \"prod\"}                   | namespace",
      "{\"kind\": \"docker\", \"dockerBinary\": \"-H tcp://evil\"}       | dockerBinary",
      "{\"kind\": \"docker\", \"dockerBinary\": \"/usr/bin/../bin/docker\"} | dockerBinary",
      "{\"kind\": \"docker\", \"dockerBinary\": \"bin/docker\"}          | dockerBinary",
      "{\"kind\": \"docker\", \"scratchDir\": \"tmp\"}                   | scratchDir",
      "{\"kind\": \"docker\", \"scratchDir\": \"/tmp/../etc\"}           | scratchDir",
      "{\"kind\": \"docker\", \"scratchDir\": \"/tmp/a b\"}              | scratchDir",
      "{\"kind\": \"kubernetes\", \"pod\": \"Postgres-0\"}               | pod",
      "{\"kind\": \"kubernetes\", \"pod\": \"-postgres\"}                | pod",
      "{\"kind\": \"kubernetes\", \"pod\": \"p\", \"labels\": \"app=x\"} | labels",
      "{\"kind\": \"kubernetes\", \"labels\": \"app in (postgres)\"}     | labels",
      "{\"kind\": \"kubernetes\", \"labels\": \"app!=postgres\"}         | labels",
      "{\"kind\": \"kubernetes\", \"labels\": \"app=postgres,\"}         | labels",
      "{\"kind\": \"kubernetes\", \"labels\": \"app\"}                   | labels",
      "{\"kind\": \"kubernetes\", \"labels\": \"-l=x\"}                  | labels",
      "{\"kind\": \"kubernetes\", \"namespace\": \"Prod\"}               | namespace",
      "{\"kind\": \"kubernetes\", \"namespace\": \"-n\"}                 | namespace",
      "{\"kind\": \"kubernetes\", \"container\": \"pg_main\"}            | container",
      "{\"kind\": \"kubernetes\", \"context\": \"--kubeconfig=/x\"}      | context",
      "{\"kind\": \"kubernetes\", \"osUser\": \"postgres\"}              | osUser",
      "{\"kind\": \"kubernetes\", \"kubectlBinary\": \"kubectl --token=x\"} | kubectlBinary",
      "{\"container\": \"db\"}                                           | container",
      "{\"osUser\": \"postgres\"}                                        | osUser",
      "{\"labels\": \"app=postgres\"}                                    | labels",
  })
  void aBadFieldIsNamed(String json, String field) throws Exception {
    ContainerTarget target = read(json);
    BadSettingException e = assertThrows(BadSettingException.class, () -> target.check(KEY));
    assertEquals(KEY + "." + field, e.key(), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"kind\": \"docker\", \"container\": \"pc_db\"}",
      "{\"kind\": \"docker\", \"container\": \"3f4c1d2e9a7b\", \"osUser\": \"999:999\"}",
      "{\"kind\": \"docker\", \"dockerBinary\": \"/usr/local/bin/docker\", \"scratchDir\": \"/var/lib/postgresql/data/tmp\"}",
      "{\"kind\": \"kubernetes\", \"labels\": \"app.kubernetes.io/name=postgresql,role=primary\"}",
      "{\"kind\": \"kubernetes\", \"pod\": \"db.pg-0\", \"context\": \"gke_proj_europe-west1-b_prod\"}",
  })
  void goodTargetsPass(String json) throws Exception {
    read(json).check(KEY);
  }
}
