package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.engine.BackupNames;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where an instance's dumps live in its repository:
 * <pre>
 * &lt;instance&gt;/pgdump/&lt;id&gt;/meta.json            written last: see {@link DumpMeta}
 * &lt;instance&gt;/pgdump/&lt;id&gt;/dump.pgdump          pg_dump -Fc: the schema, its data
 * &lt;instance&gt;/pgdump/&lt;id&gt;/db-N.pgdump          every-database: one dump per database
 * &lt;instance&gt;/pgdump/&lt;id&gt;/globals.json         every-database: see {@link ClusterGlobals}
 * &lt;instance&gt;/pgdump-dir/&lt;dir&gt;/&lt;id&gt;/...        a backup taken with --dir DIR
 * </pre>
 * Ids are the UTC start time, {@code 20261129T231500Z}, or the name the user gave
 * ({@code --name}); unique across the default place and every directory. Directories have a
 * prefix of their own, so that no directory can be mistaken for a backup, nor the reverse.
 * A replaced backup ({@code --force}) has its dump under another file name, which its
 * meta.json gives.
 */
final class PgDumpLayout {

  static final Pattern BACKUP_ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z");
  static final String DUMP = "dump.pgdump";
  static final String META = "meta.json";

  private static final DateTimeFormatter ID_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private PgDumpLayout() {}

  static String newBackupId(Instant now) {
    return ID_FORMAT.format(now);
  }

  /** The default place: backups taken without --dir. */
  static String prefix(String instance) {
    return instance + "/pgdump/";
  }

  /** Every directory's backups: {@code <dirs>DIR/ID/...}. */
  static String dirsPrefix(String instance) {
    return instance + "/pgdump-dir/";
  }

  /** @param dir null for the default place */
  static String dir(String instance, String dir, String backupId) {
    return (dir == null ? prefix(instance) : dirsPrefix(instance) + checkDir(dir) + "/")
        + checkId(backupId) + "/";
  }

  static String dir(String instance, String backupId) {
    return dir(instance, null, backupId);
  }

  static String meta(String instance, String dir, String backupId) {
    return dir(instance, dir, backupId) + META;
  }

  /** @param dumpFile the dump's file name as meta.json gives it; null = {@link #DUMP} */
  static String dump(String instance, String dir, String backupId, String dumpFile) {
    return dir(instance, dir, backupId) + (dumpFile == null ? DUMP : checkDumpFile(dumpFile));
  }

  /** @param file the globals file's name as meta.json gives it */
  static String globals(String instance, String dir, String backupId, String file) {
    return dir(instance, dir, backupId) + checkGlobalsFile(file);
  }

  /** A globals file's name in meta.json is untrusted: one plain name, globals*.json. */
  static String checkGlobalsFile(String name) {
    if (name == null || !BackupNames.isName(name) || !name.startsWith("globals")
        || !name.endsWith(".json")) {
      throw new IllegalArgumentException("'" + name + "' is not a globals file name");
    }
    return name;
  }

  static String dump(String instance, String backupId) {
    return dump(instance, null, backupId, null);
  }

  static String meta(String instance, String backupId) {
    return meta(instance, null, backupId);
  }

  static boolean isId(String text) {
    return BACKUP_ID.matcher(text).matches() || BackupNames.isName(text);
  }

  /** @throws IllegalArgumentException saying which form the ids have */
  static String checkId(String backupId) {
    if (backupId == null || !isId(backupId)) {
      throw new IllegalArgumentException(BackupNames.shown(backupId) + " is not a pgdump backup"
          + " id (the UTC start time, e.g. 20261129T231500Z, or a name given with --name:"
          + " letters, digits, _ - ., no '..'; see restoreflow backups)");
    }
    return backupId;
  }

  static String checkDir(String dir) {
    return BackupNames.checkDir(dir);
  }

  /** A dump's file name in meta.json is untrusted: one plain name ending in .pgdump. */
  static String checkDumpFile(String name) {
    if (!BackupNames.isName(name) || !name.endsWith(".pgdump")) {
      throw new IllegalArgumentException("'" + name + "' is not a dump file name");
    }
    return name;
  }
}
