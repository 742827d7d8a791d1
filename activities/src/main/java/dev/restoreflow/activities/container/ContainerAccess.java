package dev.restoreflow.activities.container;

import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandRunner;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How restoreflow reaches a database that lives in a Docker container or a Kubernetes pod on a
 * host it already drives: every command goes through that host's {@link CommandRunner} (local or
 * ssh) as an argv list, wrapped in {@code docker exec} / {@code kubectl exec}. For a
 * {@code local} target nothing is wrapped and no copy is needed.
 *
 * <p>Output streamed out of {@code kubectl exec} (and, reportedly, {@code docker exec}) can end
 * early with exit status 0 (kubernetes #124571): never take a dump from an exec's stdout; write it
 * inside and bring it out with {@link SafeTransfer}, which checks size and SHA-256 on both sides.
 */
public final class ContainerAccess {

  private final CommandRunner runner;
  private final ResolvedContainer target;

  private ContainerAccess(CommandRunner runner, ResolvedContainer target) {
    this.runner = runner;
    this.target = target;
  }

  /**
   * Finds the container or pod (runs {@code docker ps} / {@code kubectl get pods} on the host).
   *
   * @param target a {@link ContainerTarget#check checked} target
   * @throws io.temporal.failure.ApplicationFailure CONFIG_ERROR when several match,
   *     CLUSTER_NOT_READY when none runs, TOOL_MISSING when the client is missing
   */
  public static ContainerAccess resolve(CommandRunner runner, ContainerTarget target) {
    return new ContainerAccess(runner, new ContainerLookup(runner).resolve(target));
  }

  /** Access to a container found before (e.g. by the plan of the same job). */
  public static ContainerAccess of(CommandRunner runner, ResolvedContainer target) {
    return new ContainerAccess(runner, target);
  }

  public ResolvedContainer target() {
    return target;
  }

  public CommandRunner runner() {
    return runner;
  }

  /** The argv to run on the host that runs {@code argv} inside (local: {@code argv} itself). */
  public List<String> exec(List<String> argv) {
    return ContainerCommands.exec(target, argv);
  }

  /**
   * The command that runs {@code argv} inside: the docker or kubectl client runs as the worker's
   * user; a local target's command runs as {@code localOsUser} (the instance's OS user).
   */
  public Command command(List<String> argv, String localOsUser, Duration timeout) {
    return Command.of(exec(argv), target.isLocal() ? localOsUser : null, timeout);
  }

  /** The argv that copies a file out to the host; empty for local (nothing to copy). */
  public Optional<List<String>> copyOut(String insidePath, String hostPath) {
    return ContainerCommands.copyOut(target, insidePath, hostPath);
  }

  /** The argv that copies a host file in; empty for local (nothing to copy). */
  public Optional<List<String>> copyIn(String hostPath, String insidePath) {
    return ContainerCommands.copyIn(target, hostPath, insidePath);
  }

  /**
   * The argv that removes a (temporary) file inside; in docker as root (see
   * {@link ContainerCommands#remove}).
   */
  public List<String> remove(String insidePath) {
    return ContainerCommands.remove(target, insidePath);
  }
}
