package dev.restoreflow.activities.exec;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on a database host over SSH (JSch). The argv is quoted for the remote shell one
 * argument at a time, so nothing in it is ever interpreted there. One session per runner, reused
 * by every command and closed with the runner (an activity opens one and closes it at its end).
 * Host keys are checked against the configured known_hosts; new keys only when allowed.
 */
public final class SshCommandRunner implements CommandRunner, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("restoreflow.command");
  private static final long POLL_MILLIS = 100;

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

  /** The remote command line: [runuser -u USER --] [env K=V ...] 'arg' 'arg' ... */
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
    StringBuilder line = new StringBuilder();
    for (String word : words) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(quote(word));
    }
    return line.toString();
  }

  @Override
  public CommandResult run(Command command, OutputListener listener, BooleanSupplier stopRequested) {
    Session ssh = session(command);
    CommandOutput output = new CommandOutput(command, listener, redactor);
    log.info("run on {}{}: {}", settings, command.runAs() == null ? "" : " as " + command.runAs(),
        redactor.redact(command.display()));
    long started = System.nanoTime();
    long deadline = started + command.timeout().toNanos();
    ChannelExec channel = null;
    try {
      channel = (ChannelExec) ssh.openChannel("exec");
      channel.setCommand(remoteCommandLine(command));
      channel.setInputStream(command.stdin() == null ? new ByteArrayInputStream(new byte[0])
          : new ByteArrayInputStream(command.stdin().getBytes(StandardCharsets.UTF_8)));
      Thread outPump = pump(channel.getInputStream(), output.out);
      Thread errPump = pump(channel.getErrStream(), output.err);
      channel.connect((int) settings.connectTimeout().toMillis());
      boolean timedOut = false;
      while (!channel.isClosed()) {
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        if (stopRequested.getAsBoolean()) {
          log.info("stopping {} on request", command.program());
          break;
        }
        if (!ssh.isConnected()) {
          break;
        }
        Thread.sleep(POLL_MILLIS);
      }
      boolean closedByRemote = channel.isClosed();
      channel.disconnect();
      outPump.join(5_000);
      errPump.join(5_000);
      output.flush();
      long elapsed = (System.nanoTime() - started) / 1_000_000;
      CommandResult result = output.result(closedByRemote ? channel.getExitStatus() : -1, elapsed);
      if (timedOut) {
        throw new CommandTimeoutException(command, command.timeout(), result);
      }
      if (!closedByRemote && !stopRequested.getAsBoolean()) {
        throw new SshConnectException(command, SshFailureKind.UNREACHABLE,
            "the SSH connection to " + settings + " dropped while the command ran", null);
      }
      log.info("{} exited {} after {} ms on {}", command.program(), result.exitCode(), elapsed,
          settings);
      return result;
    } catch (JSchException | IOException e) {
      dropSession();
      throw new SshConnectException(command, SshFailureKind.UNREACHABLE,
          "SSH channel to " + settings + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException(command, "interrupted", e);
    } finally {
      if (channel != null && channel.isConnected()) {
        channel.disconnect();
      }
    }
  }

  private static Thread pump(InputStream in, LineStream sink) {
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
