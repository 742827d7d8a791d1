package dev.restoreflow.activities.mysqltables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The credentials mariadb and mariadb-dump read ({@code --defaults-file=}): a file of mode 600 in
 * a private directory (700), deleted on close (or, after a kill, by the next step of any
 * worker on the machine). The password is never on a command line, in a
 * log, or in a workflow's input or result.
 */
final class OptionFile implements AutoCloseable {

  private static final String PREFIX = "restoreflow-mysql-";
  private static final String FILE = "client.cnf";
  private static final Pattern ORPHAN = Pattern.compile(PREFIX + "([0-9]{1,10})-[0-9]+");

  private final Path dir;
  private final Path file;

  private OptionFile(Path dir, Path file) {
    this.dir = dir;
    this.file = file;
  }

  /** @param password null = none */
  static OptionFile write(MysqlTablesConfig config, String password) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    removeOrphans(tmp);
    Path dir = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path file = dir.resolve(FILE);
    Files.createFile(file,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text(config, password), StandardCharsets.UTF_8,
        StandardOpenOption.TRUNCATE_EXISTING);
    return new OptionFile(dir, file);
  }

  /**
   * Removes the option files of workers that died without closing them (SIGKILL): each
   * directory is named after the process that wrote it.
   */
  static void removeOrphans(Path tmp) {
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path dir : dirs.toList()) {
        Matcher owner = ORPHAN.matcher(dir.getFileName().toString());
        if (owner.matches() && ProcessHandle.of(Long.parseLong(owner.group(1))).isEmpty()) {
          new OptionFile(dir, dir.resolve(FILE)).close();
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // another worker's, or gone already
    }
  }

  /** The file's text; the password quoted as option files read it. */
  static String text(MysqlTablesConfig config, String password) {
    if (password != null && (password.contains("\n") || password.contains("\r")
        || password.contains("\0"))) {
      throw new IllegalArgumentException("the password (from environment variable "
          + config.passwordEnv() + ") holds a line break or NUL, which option files cannot hold");
    }
    StringBuilder text = new StringBuilder("[client]\n");
    text.append("user=").append(quoted(config.user())).append('\n');
    if (password != null) {
      text.append("password=").append(quoted(password)).append('\n');
    }
    if (config.socket() != null) {
      text.append("socket=").append(quoted(config.socket())).append('\n');
      text.append("protocol=socket\n");
    } else {
      text.append("host=").append(config.host()).append('\n');
      text.append("port=").append(config.port()).append('\n');
      text.append("protocol=tcp\n");
    }
    return text.toString();
  }

  private static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The first option of every mariadb and mariadb-dump call: only this file is read. */
  String option() {
    return "--defaults-file=" + file;
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temp directory left behind holds a file only its owner can read
    }
  }
}
