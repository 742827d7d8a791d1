package dev.restoreflow.activities.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The argv of every docker and kubectl command restoreflow runs (pure functions). Paths inside a
 * container are absolute, so they never read as options.
 */
public final class ContainerCommands {

  private ContainerCommands() {}

  /** {@code docker ps --filter status=running --format '{{json .}}'}: one JSON object a line. */
  public static List<String> dockerPs(ContainerTarget target) {
    return List.of(target.dockerBinary(), "ps", "--filter", "status=running", "--format",
        "{{json .}}");
  }

  /**
   * {@code kubectl get pods -n NS -l LABELS -o json}, or with {@code --field-selector
   * metadata.name=POD} for a named pod: both print a list ({@code "kind": "List"}).
   */
  public static List<String> kubectlGetPods(ContainerTarget target) {
    List<String> argv = kubectl(target.kubectlBinary(), target.context());
    argv.addAll(List.of("get", "pods", "-n", target.namespace()));
    if (target.pod() != null) {
      argv.addAll(List.of("--field-selector", "metadata.name=" + target.pod()));
    } else {
      argv.addAll(List.of("-l", target.labels()));
    }
    argv.addAll(List.of("-o", "json"));
    return argv;
  }

  /**
   * The argv that runs {@code argv} inside: {@code docker exec -i -u USER NAME argv...},
   * {@code kubectl exec -i -n NS -c C POD -- argv...}; for local, {@code argv} itself.
   */
  public static List<String> exec(ResolvedContainer target, List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("nothing to run inside " + target.describe());
    }
    List<String> out;
    if (target.isDocker()) {
      out = new ArrayList<>(List.of(target.binary(), "exec", "-i", "-u", target.osUser(),
          target.name()));
    } else if (target.isKubernetes()) {
      out = kubectl(target.binary(), target.context());
      out.addAll(List.of("exec", "-i", "-n", target.namespace(), "-c", target.container(),
          target.name(), "--"));
    } else {
      return List.copyOf(argv);
    }
    out.addAll(argv);
    return List.copyOf(out);
  }

  /**
   * Copies a file out of the container to the host: {@code docker cp NAME:PATH HOSTPATH},
   * {@code kubectl cp NS/POD:PATH HOSTPATH -c C}; empty for local (the file is already there).
   */
  public static Optional<List<String>> copyOut(ResolvedContainer target, String insidePath,
      String hostPath) {
    requireAbsolute(insidePath, hostPath);
    if (target.isDocker()) {
      return Optional.of(List.of(target.binary(), "cp", target.name() + ":" + insidePath,
          hostPath));
    }
    if (target.isKubernetes()) {
      return Optional.of(kubectlCp(target, podPath(target, insidePath), hostPath));
    }
    return Optional.empty();
  }

  /** Copies a host file into the container; empty for local. */
  public static Optional<List<String>> copyIn(ResolvedContainer target, String hostPath,
      String insidePath) {
    requireAbsolute(insidePath, hostPath);
    if (target.isDocker()) {
      return Optional.of(List.of(target.binary(), "cp", hostPath,
          target.name() + ":" + insidePath));
    }
    if (target.isKubernetes()) {
      return Optional.of(kubectlCp(target, hostPath, podPath(target, insidePath)));
    }
    return Optional.empty();
  }

  /**
   * Removes a file inside ({@code rm -f PATH}). In docker as root ({@code -u 0}): a file that
   * {@code docker cp} put there is root's, and a scratch directory like /tmp is sticky.
   */
  public static List<String> remove(ResolvedContainer target, String insidePath) {
    requireAbsolute(insidePath, "/");
    return exec(asRoot(target), List.of("rm", "-f", insidePath));
  }

  /** {@code sha256sum PATH} inside (docker: as root, who can read any file): {@code HEX  PATH}. */
  public static List<String> sha256(ResolvedContainer target, String insidePath) {
    requireAbsolute(insidePath, "/");
    return exec(asRoot(target), List.of("sha256sum", insidePath));
  }

  /** {@code stat -c %s PATH} inside (docker: as root): the size in bytes. */
  public static List<String> size(ResolvedContainer target, String insidePath) {
    requireAbsolute(insidePath, "/");
    return exec(asRoot(target), List.of("stat", "-c", "%s", insidePath));
  }

  /**
   * After a copy in: docker's copy is root's with the host file's mode, so it is made readable
   * ({@code chmod 0644} as root) for the container's user; kubectl cp unpacks it as the
   * container's user already (empty).
   */
  public static Optional<List<String>> makeReadable(ResolvedContainer target, String insidePath) {
    requireAbsolute(insidePath, "/");
    return target.isDocker()
        ? Optional.of(exec(asRoot(target), List.of("chmod", "0644", insidePath)))
        : Optional.empty();
  }

  private static ResolvedContainer asRoot(ResolvedContainer t) {
    return t.isDocker() ? new ResolvedContainer(t.kind(), t.binary(), t.name(), t.container(),
        t.namespace(), t.context(), "0", t.image(), t.scratchDir()) : t;
  }

  private static List<String> kubectl(String binary, String context) {
    List<String> argv = new ArrayList<>(List.of(binary));
    if (context != null) {
      argv.addAll(List.of("--context", context));
    }
    return argv;
  }

  private static List<String> kubectlCp(ResolvedContainer target, String from, String to) {
    List<String> argv = kubectl(target.binary(), target.context());
    argv.addAll(List.of("cp", from, to, "-c", target.container()));
    return List.copyOf(argv);
  }

  private static String podPath(ResolvedContainer target, String insidePath) {
    return target.namespace() + "/" + target.name() + ":" + insidePath;
  }

  /**
   * Both paths absolute; a host path has no ':' (docker and kubectl cp would read it as
   * {@code container:path}).
   */
  private static void requireAbsolute(String insidePath, String hostPath) {
    if (!insidePath.startsWith("/") || !hostPath.startsWith("/")) {
      throw new IllegalArgumentException("container copies take absolute paths (got '"
          + insidePath + "', '" + hostPath + "')");
    }
    if (hostPath.contains(":") || insidePath.contains(":")) {
      throw new IllegalArgumentException("a path with ':' would be read as container:path ('"
          + insidePath + "', '" + hostPath + "')");
    }
  }
}
