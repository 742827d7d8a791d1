package dev.restoreflow.worker;

import dev.restoreflow.workflows.model.RecoveryTarget;
import picocli.CommandLine.Option;

/**
 * Where a restore's recovery stops: {@code --target-time}, {@code --target-lsn},
 * {@code --target-xid} or {@code --target-name}. Passed on as given; the request resolver checks
 * them (at most one, each of the form PostgreSQL takes), as for every other way in.
 */
final class RecoveryTargetOptions {

  @Option(names = "--target-time", paramLabel = "TIME",
      description = "recover up to this time, with a zone, e.g. '2026-11-23 09:15:00+00'")
  String time;

  @Option(names = "--target-lsn", paramLabel = "LSN",
      description = "recover up to this WAL position, e.g. 0/3000060")
  String lsn;

  @Option(names = "--target-xid", paramLabel = "XID",
      description = "recover up to this transaction id")
  String xid;

  @Option(names = "--target-name", paramLabel = "NAME",
      description = "recover up to this restore point (pg_create_restore_point)")
  String name;

  /** The target asked for, or null for none (recovery to the end of the WAL). */
  RecoveryTarget target() {
    RecoveryTarget target = new RecoveryTarget(time, lsn, xid, name);
    return target.isEmpty() ? null : target;
  }
}
