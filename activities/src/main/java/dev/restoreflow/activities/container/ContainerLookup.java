package dev.restoreflow.activities.container;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.CommandTimeoutException;
import dev.restoreflow.activities.exec.SshConnectException;
import dev.restoreflow.workflows.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the container or pod of a {@link ContainerTarget} on the host: {@code docker ps} for
 * docker (a named container must run; an unnamed one is the one running container of a postgres
 * image), {@code kubectl get pods} for kubernetes (the one usable pod of the name or labels).
 *
 * <p>Failures: several candidates → CONFIG_ERROR (the config must say which); none running →
 * CLUSTER_NOT_READY (it may come up); the client missing → TOOL_MISSING; the client failing
 * (daemon down, cluster unreachable) → the command's failure.
 */
final class ContainerLookup {

  static final Duration TIMEOUT = Duration.ofMinutes(1);
  /** What a shell (ssh) or runuser exits with when the program is not there. */
  private static final int NOT_FOUND = 127;

  private final CommandRunner runner;

  ContainerLookup(CommandRunner runner) {
    this.runner = runner;
  }

  ResolvedContainer resolve(ContainerTarget target) {
    if (target.isDocker()) {
      return docker(target);
    }
    if (target.isKubernetes()) {
      return kubernetes(target);
    }
    return ResolvedContainer.local();
  }

  private ResolvedContainer docker(ContainerTarget target) {
    String stdout = run(ContainerCommands.dockerPs(target), "target.dockerBinary");
    List<DockerPs.Container> running;
    try {
      running = DockerPs.parse(stdout);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, e.getMessage());
    }
    DockerPs.Container chosen;
    if (target.container() != null) {
      chosen = running.stream().filter(c -> c.isCalled(target.container())).findFirst()
          .orElseThrow(() -> Failures.of(FailureType.CLUSTER_NOT_READY, "docker container '"
              + target.container() + "' is not running on host " + runner.where()
              + " (running: " + listOf(running.stream().map(DockerPs.Container::describe).toList())
              + "): start it, or correct target.container"));
    } else {
      List<DockerPs.Container> candidates = running.stream()
          .filter(c -> DockerPs.isPostgresImage(c.image())).toList();
      if (candidates.size() != 1) {
        throw ambiguousOrMissing(candidates.size(), "running containers of a postgres image on"
            + " host " + runner.where(),
            candidates.stream().map(DockerPs.Container::describe).toList(),
            running.stream().map(DockerPs.Container::describe).toList(),
            "set target.container to the database's container");
      }
      chosen = candidates.get(0);
    }
    return new ResolvedContainer(ContainerTarget.DOCKER, target.dockerBinary(), chosen.name(),
        null, null, null, target.osUser(), chosen.image(), target.scratchDir());
  }

  private ResolvedContainer kubernetes(ContainerTarget target) {
    String stdout = run(ContainerCommands.kubectlGetPods(target), "target.kubectlBinary");
    List<KubePods.Pod> pods;
    try {
      pods = KubePods.parse(stdout);
    } catch (IllegalArgumentException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, e.getMessage());
    }
    String which = target.pod() != null ? "pod " + target.namespace() + "/" + target.pod()
        : "pods with labels " + target.labels() + " in namespace " + target.namespace();
    List<KubePods.Pod> usable = pods.stream().filter(KubePods.Pod::isUsable).toList();
    if (usable.size() != 1) {
      throw ambiguousOrMissing(usable.size(), "running and ready " + which
          + (target.context() == null ? "" : " (context " + target.context() + ")"),
          usable.stream().map(KubePods.Pod::describe).toList(),
          pods.stream().map(KubePods.Pod::describe).toList(),
          target.pod() != null ? "correct target.pod"
              : "set target.pod (or narrower target.labels)");
    }
    KubePods.Pod pod = usable.get(0);
    KubePods.PodContainer container = container(target, pod);
    return new ResolvedContainer(ContainerTarget.KUBERNETES, target.kubectlBinary(), pod.name(),
        container.name(), pod.namespace().isEmpty() ? target.namespace() : pod.namespace(),
        target.context(), null, container.image(), target.scratchDir());
  }

  /** The named container, else the pod's only one, else its one container of a postgres image. */
  private static KubePods.PodContainer container(ContainerTarget target, KubePods.Pod pod) {
    String names = listOf(pod.containers().stream().map(c -> c.name() + " (" + c.image() + ")")
        .toList());
    if (target.container() != null) {
      return pod.containers().stream().filter(c -> c.name().equals(target.container()))
          .findFirst().orElseThrow(() -> Failures.of(FailureType.CONFIG_ERROR, "pod "
              + pod.name() + " has no container '" + target.container() + "' (it has: " + names
              + "): correct target.container"));
    }
    if (pod.containers().size() == 1) {
      return pod.containers().get(0);
    }
    List<KubePods.PodContainer> postgres = pod.containers().stream()
        .filter(c -> DockerPs.isPostgresImage(c.image())).toList();
    if (postgres.size() == 1) {
      return postgres.get(0);
    }
    throw Failures.of(FailureType.CONFIG_ERROR, "pod " + pod.name() + " has "
        + pod.containers().size() + " containers and not exactly one of a postgres image ("
        + names + "): set target.container");
  }

  private static ApplicationFailure ambiguousOrMissing(int count, String what,
      List<String> candidates, List<String> seen, String todo) {
    if (count == 0) {
      return Failures.of(FailureType.CLUSTER_NOT_READY, "no " + what + " (found: "
          + listOf(seen) + "): start the database, or " + todo);
    }
    return Failures.of(FailureType.CONFIG_ERROR, count + " " + what + ": " + listOf(candidates)
        + "; restoreflow will not guess which one holds the database: " + todo);
  }

  /** Runs a lookup command as the worker's user; its stdout. */
  private String run(List<String> argv, String binaryKey) {
    Command command = Command.of(argv, null, TIMEOUT);
    CommandResult result;
    try {
      result = runner.run(command);
    } catch (CommandFailedException e) {
      if (couldNotStart(e)) {
        throw missing(argv.get(0), e.getMessage(), binaryKey);
      }
      throw Failures.ofCommand(argv.get(0) + " on host " + runner.where(), e);
    }
    if (result.exitCode() == NOT_FOUND) {
      throw missing(argv.get(0), result.stderrTail().strip(), binaryKey);
    }
    if (!result.succeeded()) {
      throw Failures.ofCommand(command.display() + " on host " + runner.where(),
          new CommandFailedException(command, result));
    }
    return result.stdout();
  }

  /**
   * The local runner could not start the program (it checks the program exists); not a timeout,
   * an interruption or an SSH failure, which also have no exit code.
   */
  private static boolean couldNotStart(CommandFailedException e) {
    return e.exitCode() == -1 && !(e instanceof CommandTimeoutException)
        && !(e instanceof SshConnectException) && !Thread.currentThread().isInterrupted();
  }

  private ApplicationFailure missing(String program, String why, String binaryKey) {
    return Failures.of(FailureType.TOOL_MISSING, program + " cannot be run on host "
        + runner.where() + " (" + why + "): install it, or set " + binaryKey + " to its path");
  }

  private static String listOf(List<String> items) {
    return items.isEmpty() ? "none" : items.stream().collect(Collectors.joining(", "));
  }
}
