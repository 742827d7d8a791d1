package dev.restoreflow.activities.pgbackrest;

import java.util.List;

/**
 * One backup as {@code pgbackrest info --output=json} lists it.
 *
 * @param type full, diff or incr
 * @param startTime, stopTime epoch seconds
 * @param walStart, walStop the WAL segments the backup needs (archive start/stop)
 * @param lsnStart, lsnStop the backup's LSN range
 * @param size the data as restored (info.size)
 * @param deltaSize the data this backup copied (info.delta)
 * @param repoSize what the backup and the backups it references take in the repository
 * @param repoDelta what this backup alone takes in the repository
 * @param prior the backup it builds on (null for a full backup)
 * @param references the backups whose files it uses
 * @param error whether pgBackRest found a page checksum error while taking it
 */
public record BackupSet(String label, String type, long startTime, long stopTime,
    String walStart, String walStop, String lsnStart, String lsnStop, long size, long deltaSize,
    long repoSize, long repoDelta, String prior, List<String> references, boolean error) {}
