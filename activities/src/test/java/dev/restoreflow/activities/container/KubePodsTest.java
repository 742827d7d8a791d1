package dev.restoreflow.activities.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubePodsTest {

  /** A pod of a StatefulSet as {@code kubectl get pods -o json} prints it (kubectl 1.28). */
  static String pod(String name, String phase, boolean terminating, String containers,
      String statuses) {
    return """
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-11-20T07:41:12Z",
                %s"generateName": "postgres-",
                "labels": {
                    "app": "postgres",
                    "apps.kubernetes.io/pod-index": "0",
                    "controller-revision-hash": "postgres-6d9f8c7b54",
                    "statefulset.kubernetes.io/pod-name": "%s"
                },
                "name": "%s",
                "namespace": "prod",
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "StatefulSet",
                        "name": "postgres",
                        "uid": "0b9e3c1a-5d47-4f0e-9a61-2c7d8e4f1a30"
                    }
                ],
                "resourceVersion": "918273",
                "uid": "7c2a9e41-3b5d-4c8f-a1e6-9d0b2f4c6e81"
            },
            "spec": {
                "containers": [%s],
                "dnsPolicy": "ClusterFirst",
                "hostname": "%s",
                "nodeName": "worker-2",
                "restartPolicy": "Always",
                "securityContext": {
                    "fsGroup": 999,
                    "runAsUser": 999
                },
                "subdomain": "postgres",
                "terminationGracePeriodSeconds": 30
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-11-20T07:41:20Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "containerStatuses": [%s],
                "hostIP": "10.0.3.12",
                "phase": "%s",
                "podIP": "10.244.2.31",
                "qosClass": "Burstable",
                "startTime": "2026-11-20T07:41:12Z"
            }
        }""".formatted(terminating
            ? "\"deletionGracePeriodSeconds\": 30,\n\"deletionTimestamp\": \"2026-11-29T10:02:44Z\",\n"
            : "", name, name, containers, name, statuses, phase);
  }

  static String container(String name, String image) {
    return """
        {
            "env": [{"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password",
                "name": "pg"}}}],
            "image": "%s",
            "imagePullPolicy": "IfNotPresent",
            "name": "%s",
            "ports": [{"containerPort": 5432, "name": "postgres", "protocol": "TCP"}],
            "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}
        }""".formatted(image, name);
  }

  static String status(String name, String image, boolean ready) {
    return """
        {
            "containerID": "containerd://5e1f0c9a8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f",
            "image": "docker.io/library/%s",
            "imageID": "docker.io/library/postgres@sha256:1b9a0e3c5d7f9e1a3c5e7a9c1e3a5c7e9a1c3e5a7c9e1a3c5e7a9c1e3a5c7e9a",
            "lastState": {},
            "name": "%s",
            "ready": %s,
            "restartCount": 0,
            "started": true,
            "state": {"running": {"startedAt": "2026-11-20T07:41:15Z"}}
        }""".formatted(image, name, ready);
  }

  static String list(String... pods) {
    return """
        {
            "apiVersion": "v1",
            "items": [%s],
            "kind": "List",
            "metadata": {
                "resourceVersion": ""
            }
        }
        """.formatted(String.join(",", pods));
  }

  static final String READY = pod("postgres-0", "Running", false,
      container("postgres", "postgres:16.4") + "," + container("metrics",
          "quay.io/prometheuscommunity/postgres-exporter:v0.15.0"),
      status("metrics", "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", true) + ","
          + status("postgres", "postgres:16.4", true));
  static final String TERMINATING = pod("postgres-1", "Running", true,
      container("postgres", "postgres:16.4"), status("postgres", "postgres:16.4", true));
  static final String NOT_READY = pod("postgres-2", "Running", false,
      container("postgres", "postgres:16.4"), status("postgres", "postgres:16.4", false));
  static final String PENDING = pod("postgres-3", "Pending", false,
      container("postgres", "postgres:16.4"), "");

  @Test
  void readsNameNamespaceLabelsPhaseAndContainers() {
    List<KubePods.Pod> pods = KubePods.parse(list(READY, TERMINATING, NOT_READY, PENDING));
    assertEquals(4, pods.size());
    KubePods.Pod p = pods.get(0);
    assertEquals("postgres-0", p.name());
    assertEquals("prod", p.namespace());
    assertEquals("postgres", p.labels().get("app"));
    assertEquals("Running", p.phase());
    assertEquals(List.of(new KubePods.PodContainer("postgres", "postgres:16.4", true),
        new KubePods.PodContainer("metrics",
            "quay.io/prometheuscommunity/postgres-exporter:v0.15.0", true)), p.containers());
  }

  @Test
  void onlyARunningPodWithEveryContainerReadyAndNotBeingDeletedIsUsable() {
    List<KubePods.Pod> pods = KubePods.parse(list(READY, TERMINATING, NOT_READY, PENDING));
    assertEquals(List.of(true, false, false, false),
        pods.stream().map(KubePods.Pod::isUsable).toList());
    assertTrue(pods.get(1).terminating());
    assertEquals("postgres-1 (terminating, 1/1 ready)", pods.get(1).describe());
    assertEquals("postgres-2 (Running, 0/1 ready)", pods.get(2).describe());
    assertEquals("postgres-3 (Pending, 0/1 ready)", pods.get(3).describe());
  }

  @Test
  void noPodIsAnEmptyList() {
    assertEquals(List.of(), KubePods.parse(list()));
  }

  @Test
  void somethingElseThanAListIsAnError() {
    assertThrows(IllegalArgumentException.class,
        () -> KubePods.parse("No resources found in prod namespace.\n"));
    assertThrows(IllegalArgumentException.class, () -> KubePods.parse("{\"kind\": \"Pod\"}"));
    assertFalse(KubePods.parse(list(PENDING)).get(0).labels().equals(Map.of()));
  }
}
