package dev.restoreflow.activities.pgdump;

import dev.restoreflow.activities.retention.BackupFacts;
import dev.restoreflow.activities.retention.BackupTypeDecision;
import dev.restoreflow.activities.retention.Requested;
import dev.restoreflow.activities.retention.Thresholds;
import java.time.Instant;
import java.util.List;

/** The seed's automatic full/incremental decision over an instance's dumps. */
final class DumpDecisions {

  private DumpDecisions() {}

  /** @param type {@code auto}, {@code full} or {@code incremental} */
  static BackupTypeDecision decide(List<DumpMeta> backups, PgDumpConfig config, String type,
      Instant now) {
    return BackupTypeDecision.decide(facts(backups), now,
        new Thresholds(config.maxFullAgeDays(), config.maxIncrementals()),
        new Requested(Requested.Type.fromFlag(type), false));
  }

  static List<BackupFacts> facts(List<DumpMeta> backups) {
    return backups.stream().map(m -> m.isFull()
        ? BackupFacts.full(m.id(), Instant.parse(m.endTime()))
        : BackupFacts.incremental(m.id(), Instant.parse(m.endTime()), m.parentId())).toList();
  }
}
