package dev.restoreflow.activities.container;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A container or pod found running: what every command into it needs.
 *
 * @param kind {@link ContainerTarget#LOCAL}, {@link ContainerTarget#DOCKER} or
 *     {@link ContainerTarget#KUBERNETES}
 * @param binary the docker or kubectl client (null for local)
 * @param name docker: the container's name; kubernetes: the pod's name (null for local)
 * @param container kubernetes: the container in the pod ({@code -c}); null otherwise
 * @param namespace kubernetes: the pod's namespace
 * @param context kubernetes: the kubeconfig context, or null for kubectl's current one
 * @param osUser docker: the user commands run as inside ({@code -u})
 * @param image the container's image, for messages
 * @param scratchDir where a dump is written inside before it is copied out
 */
public record ResolvedContainer(String kind, String binary, String name, String container,
    String namespace, String context, String osUser, String image, String scratchDir) {

  public static ResolvedContainer local() {
    return new ResolvedContainer(ContainerTarget.LOCAL, null, null, null, null, null, null, null,
        null);
  }

  @JsonIgnore
  public boolean isLocal() {
    return ContainerTarget.LOCAL.equals(kind);
  }

  @JsonIgnore
  public boolean isDocker() {
    return ContainerTarget.DOCKER.equals(kind);
  }

  @JsonIgnore
  public boolean isKubernetes() {
    return ContainerTarget.KUBERNETES.equals(kind);
  }

  /** For messages: {@code docker container pc_db (postgres:15)}, {@code pod prod/postgres-0 ..}. */
  public String describe() {
    if (isDocker()) {
      return "docker container " + name + (image == null ? "" : " (" + image + ")");
    }
    if (isKubernetes()) {
      return "pod " + namespace + "/" + name + " container " + container
          + (image == null ? "" : " (" + image + ")");
    }
    return "the host itself";
  }
}
