package dev.restoreflow.activities.container;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.restoreflow.activities.engine.BadSettingException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the database of an instance lives on its host: on the host itself ({@code local}), in a
 * Docker container ({@code docker}) or in a Kubernetes pod ({@code kubernetes}), reached with the
 * {@code docker} / {@code kubectl} client of the host restoreflow drives (local or ssh).
 *
 * <pre>
 * "target": {"kind": "docker", "container": "pc_db"}
 * "target": {"kind": "docker"}                       the one running container of a postgres image
 * "target": {"kind": "kubernetes", "namespace": "prod", "labels": "app=postgres,role=primary"}
 * "target": {"kind": "kubernetes", "pod": "postgres-0", "container": "postgres",
 *            "context": "prod-eu"}
 * </pre>
 *
 * @param kind {@code local} (default: no container), {@code docker} or {@code kubernetes}
 * @param container docker: the container's name or id (absent: auto-detected); kubernetes: the
 *     container in the pod ({@code kubectl -c}; absent: the pod's only container, or its one
 *     container of a postgres image)
 * @param pod kubernetes: the pod's name (absent: found by {@code labels})
 * @param labels kubernetes: a label selector {@code k=v[,k=v]} the pod must match (default
 *     {@code app=postgres} when no pod is given)
 * @param namespace kubernetes: the pod's namespace (default {@code default})
 * @param context kubernetes: the kubeconfig context ({@code kubectl --context}; absent: kubectl's
 *     current context)
 * @param dockerBinary the docker client on the host: a path or a name on PATH (default
 *     {@code docker})
 * @param kubectlBinary the kubectl client on the host: a path or a name on PATH (default
 *     {@code kubectl})
 * @param osUser docker: the user commands run as inside the container ({@code docker exec -u};
 *     default {@code postgres}); kubectl exec has no such option (the pod's securityContext
 *     decides), so it is refused for kubernetes
 * @param scratchDir docker/kubernetes: the directory inside the container where a dump is written
 *     before it is copied out (default {@code /tmp}); it must hold one whole dump
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerTarget(String kind, String container, String pod, String labels,
    String namespace, String context, String dockerBinary, String kubectlBinary, String osUser,
    String scratchDir) {

  public static final String LOCAL = "local";
  public static final String DOCKER = "docker";
  public static final String KUBERNETES = "kubernetes";
  public static final String DEFAULT_LABELS = "app=postgres";
  public static final String DEFAULT_NAMESPACE = "default";
  public static final String DEFAULT_OS_USER = "postgres";
  public static final String DEFAULT_SCRATCH_DIR = "/tmp";

  /** Docker's container names ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}); ids are hex, which fits. */
  private static final Pattern DOCKER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");
  /** A user for {@code docker exec -u}: a name or a uid, with an optional group or gid. */
  private static final Pattern DOCKER_USER = Pattern.compile(
      "(?:[a-z_][a-z0-9_-]{0,31}|[0-9]{1,10})(?::(?:[a-z_][a-z0-9_-]{0,31}|[0-9]{1,10}))?");
  /** Kubernetes DNS-1123 label: namespaces, container names (at most 63). */
  private static final String DNS_LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
  private static final Pattern NAMESPACE = Pattern.compile(DNS_LABEL);
  /** Kubernetes DNS-1123 subdomain: pod names (at most 253). */
  private static final Pattern POD = Pattern.compile(DNS_LABEL + "(?:\\." + DNS_LABEL + ")*");
  /** A label key ({@code [prefix/]name}) = value; an equality selector's value is not empty. */
  private static final String LABEL_NAME = "[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
  private static final Pattern SELECTOR_TERM = Pattern.compile(
      "(?:(" + DNS_LABEL + "(?:\\." + DNS_LABEL + ")*)/)?(" + LABEL_NAME + ")=("
          + LABEL_NAME + ")");
  /** Kubeconfig context names as clouds make them (gke_p_z_c, arn:aws:eks:...:cluster/x). */
  private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,252}");
  private static final Pattern PROGRAM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}");
  private static final Pattern SAFE_PATH = Pattern.compile("(?:/[A-Za-z0-9_.+-]+)+");

  public ContainerTarget {
    kind = kind == null ? LOCAL : kind;
    dockerBinary = dockerBinary == null ? "docker" : dockerBinary;
    kubectlBinary = kubectlBinary == null ? "kubectl" : kubectlBinary;
    if (DOCKER.equals(kind)) {
      osUser = osUser == null ? DEFAULT_OS_USER : osUser;
    }
    if (KUBERNETES.equals(kind)) {
      namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
      labels = labels == null && pod == null ? DEFAULT_LABELS : labels;
    }
    if (!LOCAL.equals(kind)) {
      scratchDir = scratchDir == null ? DEFAULT_SCRATCH_DIR : scratchDir;
    }
  }

  /** No container: the database runs on the host itself. */
  public static ContainerTarget local() {
    return new ContainerTarget(null, null, null, null, null, null, null, null, null, null);
  }

  /** A docker target: {@code container} may be null (auto-detected). */
  public static ContainerTarget docker(String container) {
    return new ContainerTarget(DOCKER, container, null, null, null, null, null, null, null, null);
  }

  /** A kubernetes target by pod name (null: by {@code labels}, null: {@code app=postgres}). */
  public static ContainerTarget kubernetes(String pod, String labels, String namespace) {
    return new ContainerTarget(KUBERNETES, null, pod, labels, namespace, null, null, null, null,
        null);
  }

  public ContainerTarget withBinaries(String docker, String kubectl) {
    return new ContainerTarget(kind, container, pod, labels, namespace, context, docker, kubectl,
        osUser, scratchDir);
  }

  @JsonIgnore
  public boolean isLocal() {
    return LOCAL.equals(kind);
  }

  @JsonIgnore
  public boolean isDocker() {
    return DOCKER.equals(kind);
  }

  @JsonIgnore
  public boolean isKubernetes() {
    return KUBERNETES.equals(kind);
  }

  /**
   * Checks every field; returns this target.
   *
   * @param key where the target is in the config, e.g. {@code instances.main1.pgdump.target}
   * @throws BadSettingException naming the field, e.g. {@code instances.main1.pgdump.target.pod}
   */
  public ContainerTarget check(String key) {
    if (!List.of(LOCAL, DOCKER, KUBERNETES).contains(kind)) {
      throw new BadSettingException(key + ".kind", "must be local, docker or kubernetes (got '"
          + kind + "')");
    }
    checkProgram(key + ".dockerBinary", dockerBinary, "the docker client");
    checkProgram(key + ".kubectlBinary", kubectlBinary, "the kubectl client");
    if (isLocal()) {
      refuse(key, "container", container, "docker or kubernetes");
      refuse(key, "osUser", osUser, "docker (a local instance runs as its own osUser)");
      refuse(key, "scratchDir", scratchDir, "docker or kubernetes");
    }
    if (!isKubernetes()) {
      refuse(key, "pod", pod, "kubernetes");
      refuse(key, "labels", labels, "kubernetes");
      refuse(key, "namespace", namespace, "kubernetes");
      refuse(key, "context", context, "kubernetes");
    }
    if (isDocker()) {
      if (container != null && !DOCKER_NAME.matcher(container).matches()) {
        throw new BadSettingException(key + ".container", "'" + container + "' is not a docker"
            + " container name or id (letters, digits, _ . -, not starting with - . or _)");
      }
      if (!DOCKER_USER.matcher(osUser).matches()) {
        throw new BadSettingException(key + ".osUser", "'" + osUser + "' is not a user for"
            + " docker exec -u (a name or uid, optionally :group or :gid)");
      }
    }
    if (isKubernetes()) {
      checkKubernetes(key);
    }
    if (scratchDir != null && (!SAFE_PATH.matcher(scratchDir).matches()
        || !Path.of(scratchDir).normalize().toString().equals(scratchDir))) {
      throw new BadSettingException(key + ".scratchDir", "must be an absolute, normalized path"
          + " of letters, digits, _ . + - (got '" + scratchDir + "')");
    }
    return this;
  }

  private void checkKubernetes(String key) {
    if (osUser != null) {
      throw new BadSettingException(key + ".osUser", "kubectl exec cannot choose the user: the"
          + " pod's securityContext decides; remove osUser (give the database role to the engine)");
    }
    if (pod != null && labels != null) {
      throw new BadSettingException(key + ".labels", "give either pod or labels, not both");
    }
    if (pod != null && (pod.length() > 253 || !POD.matcher(pod).matches())) {
      throw new BadSettingException(key + ".pod", "'" + pod + "' is not a pod name (lower-case"
          + " letters, digits, - and ., starting and ending with a letter or digit)");
    }
    if (labels != null) {
      for (String term : labels.split(",", -1)) {
        var m = SELECTOR_TERM.matcher(term);
        if (!m.matches() || m.group(1) != null && m.group(1).length() > 253) {
          throw new BadSettingException(key + ".labels", "'" + labels + "' is not a label"
              + " selector of the form key=value[,key=value] (e.g. app=postgres,role=primary)");
        }
      }
    }
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new BadSettingException(key + ".namespace", "'" + namespace + "' is not a namespace"
          + " name (lower-case letters, digits and -, at most 63)");
    }
    if (container != null && !NAMESPACE.matcher(container).matches()) {
      throw new BadSettingException(key + ".container", "'" + container + "' is not a container"
          + " name (lower-case letters, digits and -, at most 63)");
    }
    if (context != null && !CONTEXT.matcher(context).matches()) {
      throw new BadSettingException(key + ".context", "'" + context + "' is not a kubeconfig"
          + " context name (letters, digits, _ . : @ / -)");
    }
  }

  private static void refuse(String key, String field, String value, String kinds) {
    if (value != null) {
      throw new BadSettingException(key + "." + field, "is only for kind " + kinds);
    }
  }

  private static void checkProgram(String key, String program, String what) {
    boolean ok = program.startsWith("/")
        ? SAFE_PATH.matcher(program).matches()
            && Path.of(program).normalize().toString().equals(program)
        : PROGRAM_NAME.matcher(program).matches();
    if (!ok) {
      throw new BadSettingException(key, "must name " + what + ": an absolute path or a program"
          + " name on PATH (got '" + program + "')");
    }
  }
}
