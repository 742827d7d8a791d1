package dev.restoreflow.activities;

import dev.restoreflow.workflows.Sizes;
import java.util.Locale;

/**
 * The size of a backup in TakeBackup's detail: for people first, then exact —
 * {@code 25.7 MiB (26,970,265 bytes)}. The ledger keeps a step's detail and nothing else of its
 * result, and the {@code restoreflow_backup_bytes_total} metric reads the detail's first
 * {@code <N> bytes} (worker observe's StepBytes): the exact figure keeps that metric exact while a
 * person reads the human one.
 */
public final class BackupSizeWords {

  private BackupSizeWords() {}

  public static String of(long bytes) {
    return Sizes.human(bytes) + " (" + String.format(Locale.ROOT, "%,d", bytes) + " bytes)";
  }
}
