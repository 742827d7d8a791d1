package dev.restoreflow.activities.mysqltables;

import java.util.ArrayList;
import java.util.List;

/** 7-Zip's command lines (argv, never a shell string) and its machine-readable listing. */
final class SevenZip {

  private SevenZip() {}

  /** {@code 7zz a -t7z -mx=N archive files...}, run in the directory holding the files. */
  static List<String> add(String program, int level, String archive, List<String> files) {
    List<String> argv = new ArrayList<>(List.of(program, "a", "-t7z", "-mx=" + level, "-bd",
        "-y", "--", archive));
    argv.addAll(files);
    return argv;
  }

  static List<String> test(String program, String archive) {
    return List.of(program, "t", "-bd", "--", archive);
  }

  static List<String> list(String program, String archive) {
    return List.of(program, "l", "-slt", "-bd", "--", archive);
  }

  static List<String> extract(String program, String archive, String into, List<String> files) {
    List<String> argv = new ArrayList<>(List.of(program, "x", "-o" + into, "-y", "-bd", "--",
        archive));
    argv.addAll(files);
    return argv;
  }

  /** One file to stdout: {@code 7zz e -so archive file}. */
  static List<String> print(String program, String archive, String file) {
    return List.of(program, "e", "-so", "-bd", "--", archive, file);
  }

  /** A file inside an archive, as {@code 7zz l -slt} lists it. */
  record Entry(String path, long size) {}

  /**
   * The entries of a {@code 7zz l -slt} listing: the blocks of {@code Key = value} lines after
   * the {@code ----------} line (the ones before it describe the archive itself).
   */
  static List<Entry> entries(String listing) {
    List<Entry> entries = new ArrayList<>();
    boolean inFiles = false;
    String path = null;
    long size = 0;
    for (String line : listing.split("\n")) {
      String text = line.stripTrailing();
      if (text.equals("----------")) {
        inFiles = true;
        continue;
      }
      if (!inFiles) {
        continue;
      }
      if (text.isEmpty()) {
        if (path != null) {
          entries.add(new Entry(path, size));
        }
        path = null;
        size = 0;
      } else if (text.startsWith("Path = ")) {
        path = text.substring("Path = ".length());
      } else if (text.startsWith("Size = ")) {
        String value = text.substring("Size = ".length()).strip();
        size = value.matches("\\d+") ? Long.parseLong(value) : 0;
      }
    }
    if (path != null) {
      entries.add(new Entry(path, size));
    }
    return entries;
  }
}
