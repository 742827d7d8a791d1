package dev.restoreflow.activities.retention;

/** What a backup is: restorable alone, or built on a parent. */
public enum BackupType {
  FULL,
  INCREMENTAL
}
