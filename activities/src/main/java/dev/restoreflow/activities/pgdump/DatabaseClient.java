package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.container.ContainerAccess;
import dev.restoreflow.activities.container.ContainerTarget;
import dev.restoreflow.activities.container.SafeTransfer;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.host.HostStep;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where pg_dump, pg_restore and psql run for an instance: on the worker's machine, reaching the
 * database at the instance's connectHost and port, or inside the Docker container or Kubernetes
 * pod the database lives in ({@code target}), through docker exec or kubectl exec, with the
 * container's own tools and socket.
 */
final class DatabaseClient {

  private final LocalProcesses processes;
  private final InstanceConfig instance;
  private final ContainerAccess access;
  private final List<String> copies = new ArrayList<>();

  private DatabaseClient(LocalProcesses processes, InstanceConfig instance,
      ContainerAccess access) {
    this.processes = processes;
    this.instance = instance;
    this.access = access;
  }

  static DatabaseClient of(HostStep step) {
    LocalProcesses processes = LocalProcesses.of(step.runner(), step.host());
    ContainerTarget target = step.instance().settings(PgDumpConfig.class).target();
    ContainerAccess access = target == null || target.isLocal() ? null
        : ContainerAccess.resolve(step.runner(), target);
    return new DatabaseClient(processes, step.instance(), access);
  }

  boolean inContainer() {
    return access != null;
  }

  /** Checked copies in and out of the container. */
  SafeTransfer transfer() {
    return new SafeTransfer(access, instance.osUser());
  }

  ContainerAccess access() {
    return access;
  }

  /** {@code tool} with {@code args}, not connected to a database (e.g. pg_restore -l). */
  List<String> argv(String tool, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(access == null ? instance.pgTool(tool) : tool);
    argv.addAll(args);
    return argv;
  }

  /** {@code tool} connected to {@code database} as the instance's database user. */
  List<String> connected(String tool, String database, List<String> args) {
    List<String> options = new ArrayList<>();
    if (access == null) {
      options.addAll(List.of("-h", instance.connectHost(), "-p", String.valueOf(instance.port())));
    }
    options.addAll(List.of("-U", instance.dbUser(), "-d", database));
    options.addAll(args);
    return argv(tool, options);
  }

  /** Starts {@code argv} (built by this client) where the tools run. */
  Process start(List<String> argv) throws IOException {
    return access == null ? processes.start(argv, instance.osUser())
        : processes.start(access.exec(argv), null);
  }

  /**
   * The path pg_restore reads {@code hostFile} at: the file itself, or a checked copy inside the
   * container (removed with {@link #removeCopies}).
   */
  String visible(Path hostFile) {
    if (access == null) {
      return hostFile.toString();
    }
    String inside = transfer().copyIn(hostFile.toString(), Duration.ofHours(6)).path();
    copies.add(inside);
    return inside;
  }

  /** Removes the copies {@link #visible} made inside the container. */
  void removeCopies() {
    for (String inside : copies) {
      access.runner().run(Command.of(access.remove(inside), null, Duration.ofMinutes(1)));
    }
    copies.clear();
  }

  String where() {
    return access == null ? "the worker's machine" : access.target().describe();
  }
}
