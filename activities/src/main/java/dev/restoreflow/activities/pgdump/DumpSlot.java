package dev.restoreflow.activities.pgdump;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a new dump goes, given the backups there are: its place (the default one or a
 * directory), the backups of that place it may build on (chains never leave their place, so a
 * directory's backups never hold a default-place backup back from retention), and, for a name
 * given with {@code --force}, the backup it replaces. Pure: PlanBackup and TakeBackup decide
 * the same.
 *
 * @param done the backup of that name this job took already (a retry of TakeBackup)
 * @param replaced the backup of that name the new one replaces
 * @param candidates the backups of the place the new one may build on, oldest first
 */
record DumpSlot(String name, String dir, Optional<DumpMeta> done, Optional<DumpMeta> replaced,
    List<DumpMeta> candidates) {

  /** A name, a directory or a replacement that the backups there do not allow. */
  static final class RefusedException extends IllegalStateException {
    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * @param name null = an id of the start time
   * @param dir null = the default place
   * @param jobId the job asking (its earlier attempt may have finished)
   * @throws RefusedException for a name that exists (without {@code force}), a replacement in
   *     another place, or of a backup that others build on
   */
  static DumpSlot of(List<DumpMeta> existing, String name, String dir, boolean force,
      String jobId) {
    Optional<DumpMeta> same = name == null ? Optional.empty()
        : existing.stream().filter(m -> m.id().equals(name)).findFirst();
    if (same.isPresent() && jobId != null && jobId.equals(same.get().jobId())) {
      return new DumpSlot(name, dir, same, Optional.empty(), List.of());
    }
    if (same.isPresent()) {
      DumpMeta old = same.get();
      if (!force) {
        throw new RefusedException("a backup named " + name + " exists already (" + old.type()
            + ", " + old.endTime() + ", in " + old.describePlace() + "); choose another name,"
            + " or replace it with --force");
      }
      if (!Objects.equals(dir, old.dir())) {
        throw new RefusedException("backup " + name + " is in " + old.describePlace()
            + ", not in " + (dir == null ? "the default place" : "dir " + dir) + ": --force"
            + " replaces a backup in its own place (" + (old.dir() == null ? "drop --dir"
                : "--dir " + old.dir()) + ")");
      }
      List<String> dependents = existing.stream().filter(m -> name.equals(m.parentId()))
          .map(DumpMeta::id).toList();
      if (!dependents.isEmpty()) {
        throw new RefusedException("backup " + name + " cannot be replaced: " + dependents
            + " build on it (incrementals restore through it); replacing it would break their"
            + " chain; choose another name, or remove them first");
      }
    }
    List<DumpMeta> candidates = existing.stream()
        .filter(m -> Objects.equals(dir, m.dir()) && !m.id().equals(name)).toList();
    return new DumpSlot(name, dir, Optional.empty(), same, candidates);
  }

  /** Where the decision's reason says it looked. */
  String where() {
    return dir == null ? "" : " (in dir " + dir + ")";
  }
}
