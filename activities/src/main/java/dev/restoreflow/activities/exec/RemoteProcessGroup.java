package dev.restoreflow.activities.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process group of a command on a database host. OpenSSH's sshd runs the command line with
 * the login shell in a new session ({@code setsid}), so the shell's pid is the group id of
 * everything the command starts. The command line reports that pid on stderr (see
 * {@link #REPORT}) before it {@code exec}s the command; this stream takes that line out of stderr
 * and passes everything else on unchanged (lines before it too, e.g. from a shell rc file).
 */
final class RemoteProcessGroup extends OutputStream {

  /** Shell words that print the marker line; the command line goes on with {@code exec ...}. */
  static final String REPORT = "echo restoreflow-pgid $$ >&2; exec ";

  private static final Pattern MARKER = Pattern.compile("restoreflow-pgid (\\d+)");
  private static final int MAX_MARKER_BYTES = 40;

  private final OutputStream stderr;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final CountDownLatch known = new CountDownLatch(1);
  private volatile long pgid;
  /** The marker was seen: everything passes straight through. */
  private boolean found;
  /** The current line is too long to be the marker: it passes through up to its end. */
  private boolean longLine;

  RemoteProcessGroup(OutputStream stderr) {
    this.stderr = stderr;
  }

  @Override
  public void write(int b) throws IOException {
    if (found || (longLine && b != '\n')) {
      stderr.write(b);
    } else if (b == '\n') {
      endOfLine();
    } else {
      line.write(b);
      if (line.size() > MAX_MARKER_BYTES) {
        line.writeTo(stderr);
        line.reset();
        longLine = true;
      }
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (found) {
      stderr.write(bytes, offset, length);
      return;
    }
    for (int i = offset; i < offset + length; i++) {
      write(bytes[i]);
    }
  }

  private void endOfLine() throws IOException {
    Matcher m = MARKER.matcher(line.toString(StandardCharsets.UTF_8));
    if (!longLine && m.matches()) {
      pgid = Long.parseLong(m.group(1));
      found = true;
      known.countDown();
    } else {
      line.writeTo(stderr);
      stderr.write('\n');
    }
    line.reset();
    longLine = false;
  }

  /** The group id, once the remote shell has reported it (it does so first thing). */
  OptionalLong await(long millis) throws InterruptedException {
    return known.await(millis, TimeUnit.MILLISECONDS) ? OptionalLong.of(pgid) : OptionalLong.empty();
  }

  /** At the end of the stream: a last line without a newline is output too. */
  void finish() throws IOException {
    line.writeTo(stderr);
    line.reset();
  }

  @Override
  public void flush() throws IOException {
    stderr.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
  }
}
