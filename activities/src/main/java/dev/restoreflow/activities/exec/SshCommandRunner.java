package dev.restoreflow.activities.exec;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on a database host over SSH (JSch). The argv is quoted for the remote shell one
 * argument at a time, so nothing in it is ever interpreted there. One session per runner, reused
 * by every command and closed with the runner (an activity opens one and closes it at its end).
 * Host keys are checked against the configured known_hosts; new keys only when allowed. A stop
 * request, a timeout or a dropped connection ends the command's whole process group on the host.
 */
public final class SshCommandRunner implements CommandRunner, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("restoreflow.command");
  private static final long POLL_MILLIS = 100;
  private static final long MARKER_WAIT_MILLIS = 5_000;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final SshSettings settings;
  private final Redactor redactor;
  private Session session;

  public SshCommandRunner(SshSettings settings, Redactor redactor) {
    this.settings = settings;
    this.redactor = redactor;
  }

  /** Quotes one argument for a POSIX shell: everything inside '...' is literal. */
  static String quote(String arg) {
    return "'" + arg.replace("'", "'\"'\"'") + "'";
  }

  /**
   * The remote command line: the report of its process group id (see {@link RemoteProcessGroup}),
   * then {@code exec [runuser -u USER --] [env K=V ...] 'arg' 'arg' ...}. The {@code env} words
   * show in the host's process list: never pass a secret in {@link Command#environment()} here.
   */
  String remoteCommandLine(Command command) {
    List<String> words = new ArrayList<>();
    if (command.runAs() != null && !command.runAs().equals(settings.user())) {
      words.addAll(List.of("runuser", "-u", command.runAs(), "--"));
    }
    if (!command.environment().isEmpty()) {
      words.add("env");
      for (Map.Entry<String, String> e : command.environment().entrySet()) {
        words.add(e.getKey() + "=" + e.getValue());
      }
    }
    words.addAll(command.argv());
    return RemoteProcessGroup.REPORT + quoted(words);
  }

  private static String quoted(List<String> words) {
    StringBuilder line = new StringBuilder();
    for (String word : words) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(quote(word));
    }
    return line.toString();
  }

  /** Why the wait for a command ended. */
  private enum Ending { EXITED, TIMED_OUT, STOPPED, DROPPED }

  @Override
  public CommandResult run(Command command, OutputListener listener, BooleanSupplier stopRequested) {
    Session ssh = session(command);
    CommandOutput output = new CommandOutput(command, listener, redactor);
    log.info("run on {}{}: {}", settings, command.runAs() == null ? "" : " as " + command.runAs(),
        redactor.redact(command.display()));
    long started = System.nanoTime();
    long deadline = started + command.timeout().toNanos();
    ChannelExec channel = null;
    RemoteProcessGroup group = new RemoteProcessGroup(output.err);
    try {
      channel = (ChannelExec) ssh.openChannel("exec");
      channel.setCommand(remoteCommandLine(command));
      channel.setInputStream(command.stdin() == null ? new ByteArrayInputStream(new byte[0])
          : new ByteArrayInputStream(command.stdin().getBytes(StandardCharsets.UTF_8)));
      Thread outPump = pump(channel.getInputStream(), output.out);
      Thread errPump = pump(channel.getErrStream(), group);
      channel.connect((int) settings.connectTimeout().toMillis());
      Ending ending = Ending.EXITED;
      while (!channel.isClosed()) {
        if (System.nanoTime() > deadline) {
          ending = Ending.TIMED_OUT;
          break;
        }
        if (stopRequested.getAsBoolean()) {
          log.info("stopping {} on request", command.program());
          ending = Ending.STOPPED;
          break;
        }
        if (!ssh.isConnected()) {
          ending = Ending.DROPPED;
          break;
        }
        Thread.sleep(POLL_MILLIS);
      }
      // no exit status: stopped, timed out, or the channel closed with the connection (or the
      // command died of a signal); its children may run on, so end its process group
      boolean exitKnown = channel.isClosed() && channel.getExitStatus() != -1;
      String notEnded = exitKnown ? null : endRemote(command, group, ssh, channel);
      if (ending == Ending.EXITED && !exitKnown && !ssh.isConnected()) {
        ending = Ending.DROPPED;
      }
      boolean closedByRemote = channel.isClosed();
      channel.disconnect();
      outPump.join(5_000);
      errPump.join(5_000);
      group.finish();
      output.flush();
      long elapsed = (System.nanoTime() - started) / 1_000_000;
      CommandResult result = output.result(closedByRemote ? channel.getExitStatus() : -1, elapsed);
      if (notEnded != null) {
        result = new CommandResult(result.exitCode(), result.stdout(),
            result.stderrTail() + "\n" + notEnded, result.elapsedMillis());
      }
      if (ending == Ending.TIMED_OUT) {
        throw new CommandTimeoutException(command, command.timeout(), result);
      }
      if (ending == Ending.DROPPED) {
        throw new SshConnectException(command, SshFailureKind.UNREACHABLE,
            "the SSH connection to " + settings + " dropped while the command ran"
            + (notEnded == null ? "" : "; " + notEnded), null);
      }
      log.info("{} exited {} after {} ms on {}", command.program(), result.exitCode(), elapsed,
          settings);
      return result;
    } catch (JSchException | IOException e) {
      dropSession();
      throw new SshConnectException(command, SshFailureKind.UNREACHABLE,
          "SSH channel to " + settings + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      if (channel != null && !channel.isClosed()) {
        endRemoteQuietly(command, group, ssh, channel);
      }
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, "interrupted", e);
    } finally {
      if (channel != null && channel.isConnected()) {
        channel.disconnect();
      }
    }
  }

  /**
   * Ends the command and every process it started on the host: closing the channel alone would
   * leave them running ({@code find -delete}, {@code pg_ctl}), overlapping the next attempt.
   * The kill runs on a second channel of the session, or of a fresh one if the connection
   * dropped; then the command's channel closes with it.
   *
   * @return null when it ended, else what went wrong (for the log and the failure)
   */
  private String endRemote(Command command, RemoteProcessGroup group, Session ssh,
      ChannelExec channel) throws InterruptedException {
    OptionalLong pgid = group.await(MARKER_WAIT_MILLIS);
    String problem;
    if (pgid.isEmpty()) {
      problem = "the host never reported the command's process group";
    } else {
      problem = killGroup(command, pgid.getAsLong());
      long closeBy = System.nanoTime() + CLOSE_WAIT.toNanos();
      while (problem == null && !channel.isClosed() && System.nanoTime() < closeBy
          && ssh.isConnected()) {
        Thread.sleep(POLL_MILLIS);
      }
    }
    if (problem == null) {
      return null;
    }
    String notEnded = "could not end " + command.program() + " on " + settings + ": " + problem
        + "; it may still be running there";
    log.warn(notEnded);
    return notEnded;
  }

  private void endRemoteQuietly(Command command, RemoteProcessGroup group, Session ssh,
      ChannelExec channel) {
    try {
      endRemote(command, group, ssh, channel);
    } catch (InterruptedException again) {
      log.warn("{} may still run on {}: interrupted while ending it", command.program(), settings);
    }
  }

  /** Runs the kill of the process group as the login user; returns null or what went wrong. */
  private String killGroup(Command command, long pgid) throws InterruptedException {
    Session ssh;
    try {
      ssh = session(command);
    } catch (SshConnectException e) {
      return (e.kind() == SshFailureKind.UNREACHABLE ? "the host is unreachable"
          : "no new SSH session (" + e.kind() + ")")
          + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
    }
    ChannelExec kill = null;
    try {
      kill = (ChannelExec) ssh.openChannel("exec");
      kill.setCommand(quoted(ProcessGroupKill.argv(pgid)));
      kill.setInputStream(new ByteArrayInputStream(new byte[0]));
      kill.connect((int) settings.connectTimeout().toMillis());
      long deadline = System.nanoTime() + ProcessGroupKill.GRACE.plus(CLOSE_WAIT).toNanos();
      while (!kill.isClosed()) {
        if (System.nanoTime() > deadline || !ssh.isConnected()) {
          return "the kill of process group " + pgid + " did not finish";
        }
        Thread.sleep(POLL_MILLIS);
      }
      log.info("{} on {}: process group {} {}", command.program(), settings, pgid,
          ProcessGroupKill.outcome(kill.getExitStatus()));
      return kill.getExitStatus() == 0 || kill.getExitStatus() == ProcessGroupKill.KILLED ? null
          : "the kill of process group " + pgid + " exited " + kill.getExitStatus();
    } catch (JSchException e) {
      return "no channel for the kill (" + e.getMessage() + ")";
    } finally {
      if (kill != null) {
        kill.disconnect();
      }
    }
  }

  private static Thread pump(InputStream in, OutputStream sink) {
    Thread thread = new Thread(() -> {
      try (in) {
        in.transferTo(sink);
      } catch (IOException ignored) {
        // the channel closed
      }
    }, "ssh-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private synchronized Session session(Command command) {
    if (session != null && session.isConnected()) {
      return session;
    }
    JSch jsch = new JSch();
    try {
      jsch.setKnownHosts(settings.knownHosts());
      byte[] passphrase = settings.passphrase() == null ? null
          : settings.passphrase().getBytes(StandardCharsets.UTF_8);
      jsch.addIdentity(settings.privateKey(), passphrase);
    } catch (JSchException e) {
      throw new SshConnectException(command, SshFailureKind.AUTH_FAILED, "cannot use the SSH key "
          + settings.privateKey() + " or known_hosts " + settings.knownHosts() + ": "
          + e.getMessage(), e);
    }
    boolean known = isKnown(jsch);
    try {
      Session s = jsch.getSession(settings.user(), settings.address(), settings.port());
      s.setConfig("StrictHostKeyChecking", !known && settings.acceptNewHostKeys() ? "no" : "yes");
      s.setConfig("PreferredAuthentications", "publickey");
      s.setServerAliveInterval(10_000);
      s.setServerAliveCountMax(3);
      s.connect((int) settings.connectTimeout().toMillis());
      session = s;
      log.info("ssh session to {} open", settings);
      return s;
    } catch (JSchException e) {
      throw new SshConnectException(command, kindOf(e), explain(kindOf(e), e), e);
    }
  }

  private boolean isKnown(JSch jsch) {
    String host = settings.port() == 22 ? settings.address()
        : "[" + settings.address() + "]:" + settings.port();
    HostKey[] keys = jsch.getHostKeyRepository().getHostKey(host, null);
    return keys != null && keys.length > 0;
  }

  private static SshFailureKind kindOf(JSchException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("HostKey has been changed")) {
      return SshFailureKind.HOST_KEY_CHANGED;
    }
    if (message.contains("UnknownHostKey") || message.contains("reject HostKey")) {
      return SshFailureKind.HOST_KEY_UNKNOWN;
    }
    if (message.contains("Auth fail") || message.contains("Auth cancel")) {
      return SshFailureKind.AUTH_FAILED;
    }
    return SshFailureKind.UNREACHABLE;
  }

  private String explain(SshFailureKind kind, JSchException e) {
    return switch (kind) {
      case HOST_KEY_CHANGED -> "the host key of " + settings + " has CHANGED since it was recorded"
          + " in " + settings.knownHosts() + "; if the host was really reinstalled, remove its old"
          + " line there";
      case HOST_KEY_UNKNOWN -> "the host key of " + settings + " is not in " + settings.knownHosts()
          + "; add it (ssh-keyscan) or set acceptNewHostKeys for this host";
      case AUTH_FAILED -> "SSH key authentication as " + settings.user() + " on " + settings
          + " failed with " + settings.privateKey() + "; install its public key in the user's"
          + " authorized_keys";
      case UNREACHABLE -> "cannot reach " + settings + ": " + e.getMessage();
    };
  }

  private synchronized void dropSession() {
    if (session != null) {
      session.disconnect();
      session = null;
    }
  }

  @Override
  public String where() {
    return settings.toString();
  }

  @Override
  public void close() {
    dropSession();
  }
}
