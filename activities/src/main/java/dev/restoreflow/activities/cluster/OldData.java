package dev.restoreflow.activities.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where WipeData puts a data directory's old contents instead of deleting them on the restore's
 * critical path, and when it may. The old entries are renamed into
 * {@code <parent>/.<pgdata name>.restoreflow-old-<job>} — a sibling of the data directory on the
 * same file system, never inside it, never anywhere else — and deleted after the restore has
 * succeeded (DiscardOldData), or by the next WipeData of the instance if the job never got there.
 * Pure: names, the room rule and the argv; {@link DataWiper} runs them.
 */
public final class OldData {

  /** The restore needs its data's size times this beside the old data ... */
  public static final double ROOM_FACTOR = 1.1;
  /** ... plus this much (WAL replayed at start, the server's log, what else writes there). */
  public static final long ROOM_MARGIN_BYTES = 256L * 1024 * 1024;

  private static final String INFIX = ".restoreflow-old-";
  /** Job ids become part of a file name: only these characters (restoreflow's ids are such). */
  private static final Pattern SAFE_JOB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private OldData() {}

  /** The aside directory of {@code jobId} for the data directory {@code pgdata} (normalized). */
  public static Path asideOf(Path pgdata, String jobId) {
    return pgdata.resolveSibling(prefix(pgdata) + jobId);
  }

  /** Whether {@code name}, an entry of pgdata's parent, is an aside directory of this pgdata. */
  public static boolean isAsideName(Path pgdata, String name) {
    return name.startsWith(prefix(pgdata)) && name.length() > prefix(pgdata).length();
  }

  private static String prefix(Path pgdata) {
    return "." + pgdata.getFileName() + INFIX;
  }

  /** The bytes of free space a restore of {@code restoreBytes} needs beside the old data. */
  public static long roomNeeded(long restoreBytes) {
    return (long) Math.ceil(restoreBytes * ROOM_FACTOR) + ROOM_MARGIN_BYTES;
  }

  /**
   * Why the old data cannot be moved aside, or empty when it can (then the wipe is a rename).
   *
   * @param restoreBytes what the restore writes (PlanRestore's dataBytes); null = not known
   * @param freeBytes free space on the data directory's file system, for its OS user
   */
  public static Optional<String> whyNotAside(String jobId, Long restoreBytes, long freeBytes) {
    if (restoreBytes == null) {
      return Optional.of("the size of the restore is not known");
    }
    if (jobId == null || !SAFE_JOB.matcher(jobId).matches()) {
      return Optional.of("the job id cannot name a directory");
    }
    long need = roomNeeded(restoreBytes);
    if (freeBytes < need) {
      return Optional.of("no room for the restore beside the old data (" + freeBytes
          + " bytes free, " + need + " needed)");
    }
    return Optional.empty();
  }

  /**
   * One look at the data directory's parent and the data directory itself, links not followed:
   * for each entry its starting point, depth, kind (find's %y), device (st_dev), name and link
   * target, tab-separated, one per line.
   */
  public static List<String> look(String parent, String pgdata) {
    return List.of("find", parent, pgdata, "-maxdepth", "1", "-printf",
        "%H\\t%d\\t%y\\t%D\\t%f\\t%l\\n");
  }

  /**
   * What {@link #look} saw.
   *
   * @param entries the data directory's entries (when it is a directory)
   * @param asides this data directory's aside directories beside it, name to kind
   */
  public record Look(String pgdataKind, String pgdataTarget, String pgdataDevice,
      String parentDevice, List<String> entries, java.util.Map<String, String> asides) {

    /** Empty when the output does not show both the parent and the data directory. */
    public static Optional<Look> parse(Path pgdata, String out) {
      String parent = pgdata.getParent().toString();
      String name = pgdata.getFileName().toString();
      String kind = null;
      String target = null;
      String device = null;
      String parentDevice = null;
      List<String> entries = new java.util.ArrayList<>();
      java.util.Map<String, String> asides = new java.util.TreeMap<>();
      for (String line : out.split("\n")) {
        String[] f = line.split("\t", -1);
        if (f.length != 6) {
          continue;
        }
        boolean fromParent = f[0].equals(parent);
        if (fromParent && f[1].equals("0")) {
          parentDevice = f[3];
        } else if (fromParent && f[1].equals("1") && f[4].equals(name)) {
          kind = f[2];
          target = f[5];
          device = f[3];
        } else if (fromParent && f[1].equals("1") && isAsideName(pgdata, f[4])) {
          asides.put(f[4], f[2]);
        } else if (!fromParent && f[1].equals("1")) {
          entries.add(f[4]);
        }
      }
      if (kind == null || parentDevice == null) {
        return Optional.empty();
      }
      return Optional.of(new Look(kind, target, device, parentDevice, List.copyOf(entries),
          java.util.Map.copyOf(asides)));
    }
  }

  /** Creates the aside directory (and no parents), owner-only; an existing one is fine. */
  public static List<String> makeAside(String aside) {
    return List.of("mkdir", "-p", "-m", "0700", "--", aside);
  }

  /**
   * Renames the entries of {@code pgdata} into {@code aside}. The caller has checked that both
   * are on one file system, so each is a rename(2); {@code -n} never overwrites anything there.
   */
  public static List<String> moveInto(String pgdata, String aside, List<String> entries) {
    List<String> argv = new java.util.ArrayList<>(List.of("mv", "-n", "-t", aside, "--"));
    entries.forEach(e -> argv.add(pgdata + "/" + e));
    return List.copyOf(argv);
  }

  /** Deletes {@code path} and everything below it; never follows a link (one is removed as such). */
  public static List<String> delete(String path) {
    return List.of("find", path, "-delete");
  }
}
