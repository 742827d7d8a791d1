package dev.restoreflow.activities.container;

import dev.restoreflow.activities.Failures;
import dev.restoreflow.activities.exec.Command;
import dev.restoreflow.activities.exec.CommandFailedException;
import dev.restoreflow.activities.exec.CommandResult;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OutputListener;
import dev.restoreflow.workflows.FailureType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a file between a container and its host without trusting the transport. Streams out of
 * {@code kubectl exec} are known to end early and still exit 0 (kubernetes #124571, #73056,
 * kubectl #1361), and corrupt {@code docker exec} streams have been reported; {@code kubectl cp}
 * is itself a tar stream over exec. So a dump is never taken from an exec's stdout:
 *
 * <ol>
 *   <li>the writing command (e.g. {@code pg_dump -Fc -f PATH}) writes a file in the target's
 *       scratch directory inside the container;
 *   <li>its size ({@code stat -c %s}) and SHA-256 ({@code sha256sum}) are taken inside;
 *   <li>{@code docker cp} / {@code kubectl cp} copies it to the host;
 *   <li>size and SHA-256 are taken again on the host (in Java for the worker's own machine,
 *       {@code stat}/{@code sha256sum} through the runner for an ssh host);
 *   <li>when they differ, the host copy is deleted and the transfer fails with
 *       {@link FailureType#STORAGE_FAILED} ("dump cut short in transit: 1048576 of 2097152 bytes
 *       arrived ... (kubernetes #124571); the backup is not used"): transient, as a new dump may
 *       well arrive whole, and never a backup called good;
 *   <li>the file inside is removed, whatever happened.
 * </ol>
 *
 * For a {@code local} target the command writes the host file itself; only its size and SHA-256
 * are taken. {@link #copyIn} does the same the other way (a restore's archive into the
 * container), checked against the host's size and SHA-256.
 */
public final class SafeTransfer {

  private static final Logger log = LoggerFactory.getLogger(SafeTransfer.class);
  private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(30);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** A file that arrived whole: where, its size in bytes, its SHA-256 (lower-case hex). */
  public record Transferred(String path, long bytes, String sha256) {}

  private final ContainerAccess access;
  private final String localOsUser;

  /**
   * @param localOsUser the OS user a {@code local} target's commands run as (the instance's);
   *     docker and kubectl run as the worker's user
   */
  public SafeTransfer(ContainerAccess access, String localOsUser) {
    this.access = access;
    this.localOsUser = localOsUser;
  }

  /** The transfer below, without a listener or a way to stop it. */
  public Transferred writeAndCopyOut(Function<String, List<String>> writer, String hostPath,
      Duration timeout) {
    return writeAndCopyOut(writer, hostPath, timeout, OutputListener.NONE, () -> false);
  }

  /**
   * Runs {@code writer.apply(path)} inside to write a file at {@code path}, brings the file to
   * {@code hostPath} on the host, and checks it arrived whole.
   *
   * @param writer the argv (run inside) that writes the file at the path it is given
   * @param hostPath an absolute path on the host (its directory exists; no ':')
   * @param timeout for the writing command and for the copy, each
   * @return the host file's size and SHA-256
   * @throws io.temporal.failure.ApplicationFailure the writer's or the copy's failure, or
   *     STORAGE_FAILED when the copy arrived short or different (the host copy is deleted)
   */
  public Transferred writeAndCopyOut(Function<String, List<String>> writer, String hostPath,
      Duration timeout, OutputListener listener, BooleanSupplier stopRequested) {
    ResolvedContainer target = access.target();
    String insidePath = target.isLocal() ? hostPath : scratchPath(hostPath);
    try {
      runChecked(access.command(writer.apply(insidePath), localOsUser, timeout), listener,
          stopRequested, "writing " + insidePath + " in " + target.describe());
      if (target.isLocal()) {
        return onHost(hostPath);
      }
      Transferred inside = inside(insidePath);
      List<String> copy = access.copyOut(insidePath, hostPath).orElseThrow();
      try {
        runChecked(Command.of(copy, null, timeout), OutputListener.NONE, stopRequested,
            "copying " + insidePath + " out of " + target.describe());
      } catch (RuntimeException e) {
        deleteOnHost(hostPath);   // whatever part arrived is no backup
        throw e;
      }
      Transferred arrived = onHost(hostPath);
      if (!same(inside, arrived)) {
        deleteOnHost(hostPath);
        throw Failures.of(FailureType.STORAGE_FAILED,
            cutShort("out of", inside, arrived, hostPath));
      }
      log.info("{} came out of {} whole: {} bytes, SHA-256 {}", hostPath, target.describe(),
          arrived.bytes(), arrived.sha256());
      return arrived;
    } finally {
      if (!target.isLocal()) {
        removeInside(insidePath);
      }
    }
  }

  /**
   * Copies a host file into the target's scratch directory and checks it arrived whole. The
   * caller removes it ({@link ContainerAccess#remove}) when done. For a local target, the host
   * file itself.
   *
   * @return the path inside, its size and SHA-256
   */
  public Transferred copyIn(String hostPath, Duration timeout) {
    ResolvedContainer target = access.target();
    Transferred source = onHost(hostPath);
    if (target.isLocal()) {
      return source;
    }
    String insidePath = scratchPath(hostPath);
    boolean whole = false;
    try {
      runChecked(Command.of(access.copyIn(hostPath, insidePath).orElseThrow(), null, timeout),
          OutputListener.NONE, () -> false, "copying " + hostPath + " into " + target.describe());
      Transferred arrived = inside(insidePath);
      if (!same(source, arrived)) {
        throw Failures.of(FailureType.STORAGE_FAILED,
            cutShort("into", source, arrived, insidePath));
      }
      Optional<List<String>> readable = ContainerCommands.makeReadable(target, insidePath);
      if (readable.isPresent()) {
        runChecked(Command.of(readable.get(), null, CHECK_TIMEOUT), OutputListener.NONE,
            () -> false, "making " + insidePath + " readable in " + target.describe());
      }
      whole = true;
      return arrived;
    } finally {
      if (!whole) {
        removeInside(insidePath);
      }
    }
  }

  /** {@code SCRATCH/restoreflow-RANDOM-NAME}, NAME the host file's name in safe characters. */
  String scratchPath(String hostPath) {
    String name = Path.of(hostPath).getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
    return access.target().scratchDir() + "/restoreflow-"
        + UUID.randomUUID().toString().substring(0, 8) + "-" + name;
  }

  private static boolean same(Transferred a, Transferred b) {
    return a.bytes() == b.bytes() && a.sha256().equals(b.sha256());
  }

  private String cutShort(String direction, Transferred sent, Transferred arrived, String where) {
    String what = arrived.bytes() < sent.bytes()
        ? "dump cut short in transit: " + arrived.bytes() + " of " + sent.bytes() + " bytes arrived"
        : "dump changed in transit: " + arrived.bytes() + " bytes arrived for " + sent.bytes()
            + " sent, SHA-256 " + arrived.sha256() + " instead of " + sent.sha256();
    return what + " at " + where + " (copied " + direction + " " + access.target().describe()
        + " on host " + access.runner().where() + ", and the copy exited 0: streams out of"
        + " containers can end early, kubernetes #124571); the "
        + (direction.equals("into") ? "copy is not used" : "backup is not used");
  }

  /** Size and SHA-256 of a file inside. */
  private Transferred inside(String insidePath) {
    String what = "checking " + insidePath + " in " + access.target().describe();
    long bytes = parseSize(runChecked(Command.of(
        ContainerCommands.size(access.target(), insidePath), null, CHECK_TIMEOUT),
        OutputListener.NONE, () -> false, what).stdout(), what);
    String sha = parseSha256(runChecked(Command.of(
        ContainerCommands.sha256(access.target(), insidePath), null, CHECK_TIMEOUT),
        OutputListener.NONE, () -> false, what).stdout(), what);
    return new Transferred(insidePath, bytes, sha);
  }

  /** Size and SHA-256 of a host file: read in Java on this machine, by the runner on another. */
  private Transferred onHost(String hostPath) {
    CommandRunner runner = access.runner();
    if (runner instanceof LocalCommandRunner) {
      Path file = Path.of(hostPath);
      try (InputStream in = Files.newInputStream(file)) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        long bytes = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
          bytes += n;
        }
        return new Transferred(hostPath, bytes, HexFormat.of().formatHex(digest.digest()));
      } catch (IOException e) {
        throw Failures.of(FailureType.STORAGE_FAILED, "cannot read " + hostPath + " on host "
            + runner.where() + ": " + e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    String what = "checking " + hostPath + " on host " + runner.where();
    long bytes = parseSize(runChecked(Command.of(List.of("stat", "-c", "%s", hostPath), null,
        CHECK_TIMEOUT), OutputListener.NONE, () -> false, what).stdout(), what);
    String sha = parseSha256(runChecked(Command.of(List.of("sha256sum", hostPath), null,
        CHECK_TIMEOUT), OutputListener.NONE, () -> false, what).stdout(), what);
    return new Transferred(hostPath, bytes, sha);
  }

  private void deleteOnHost(String hostPath) {
    try {
      if (access.runner() instanceof LocalCommandRunner) {
        Files.deleteIfExists(Path.of(hostPath));
      } else {
        access.runner().run(Command.of(List.of("rm", "-f", hostPath), null, CHECK_TIMEOUT));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete the damaged copy {} on host {}: {}", hostPath,
          access.runner().where(), e.toString());
    }
  }

  private void removeInside(String insidePath) {
    try {
      CommandResult result = access.runner().run(Command.of(access.remove(insidePath), null,
          CHECK_TIMEOUT));
      if (!result.succeeded()) {
        log.warn("could not remove {} in {}: {}", insidePath, access.target().describe(),
            result.stderrTail());
      }
    } catch (RuntimeException e) {
      log.warn("could not remove {} in {}: {}", insidePath, access.target().describe(),
          e.toString());
    }
  }

  private CommandResult runChecked(Command command, OutputListener listener,
      BooleanSupplier stopRequested, String what) {
    try {
      CommandResult result = access.runner().run(command, listener, stopRequested);
      if (!result.succeeded()) {
        throw new CommandFailedException(command, result);
      }
      return result;
    } catch (CommandFailedException e) {
      throw Failures.ofCommand(what, e);
    }
  }

  private static long parseSize(String stdout, String what) {
    try {
      return Long.parseLong(stdout.strip());
    } catch (NumberFormatException e) {
      throw Failures.of(FailureType.COMMAND_FAILED, what + ": stat printed '" + stdout.strip()
          + "', not a size");
    }
  }

  private static String parseSha256(String stdout, String what) {
    String hex = stdout.strip().split("\\s+", 2)[0];
    if (!SHA256.matcher(hex).matches()) {
      throw Failures.of(FailureType.COMMAND_FAILED, what + ": sha256sum printed '"
          + stdout.strip() + "', not a SHA-256");
    }
    return hex;
  }
}
