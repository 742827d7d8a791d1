package dev.restoreflow.activities.probackup;

import java.util.List;

/** The backup to restore and its chain, FULL first. */
public record BackupChoice(BackupInfo backup, List<BackupInfo> chain) {

  public List<String> chainIds() {
    return chain.stream().map(BackupInfo::id).toList();
  }
}
