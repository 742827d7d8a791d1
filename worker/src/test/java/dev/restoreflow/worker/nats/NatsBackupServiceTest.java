package dev.restoreflow.worker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.workflows.model.CatalogBackup;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The replies that need only the catalog (listbackups, archive, and a restore of tables an
 * archive does not hold): no Temporal, no job.
 */
class NatsBackupServiceTest {

  private static final String CONFIG = """
      {"hosts": {"local": {"kind": "local"}},
       "instances": {"shop": {"host": "local", "pgdata": "/var/tmp/never/pgdata",
         "probackup": {"catalog": "/var/tmp/never/catalog"}}}}
      """;
  private static final String A = "2021-11-28_20-30-39-backup.7z";
  private static final String B = "2021-11-28_21-00-00-backup.7z";
  private static final String C = "2021-11-28_22-00-00-backup.7z";
  private static final String D = "2021-11-28_23-00-00-backup.7z";

  private static CatalogBackup archive(String id, String status, List<String> tables) {
    return new CatalogBackup("shop", "mysqltables", id, "FULL", status, null, null, 0, 0, null,
        List.of(id), null, null, null, tables);
  }

  private static NatsBackupService service(ArchiveCatalog catalog) {
    return new NatsBackupService("shop",
        new RequestResolver(ConfigLoader.parse(CONFIG).inventory()), null, null, catalog,
        () -> Optional.of(List.of("table1", "table2", "table3")), Clock.systemUTC());
  }

  private static final ArchiveCatalog FOUR = () -> Optional.of(List.of(
      archive(A, CatalogBackup.OK, List.of("table1.sql", "table2.sql", "table3.sql")),
      archive(B, CatalogBackup.CORRUPT, List.of("table1.sql")),
      archive(C, CatalogBackup.OK, List.of("orders.sql")),
      archive(D, CatalogBackup.RUNNING, null)));

  private static String ask(ArchiveCatalog catalog, NatsEndpoint endpoint, String body) {
    return new String(service(catalog).answer(endpoint, Map.of(),
        body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  @Test
  void listBackupsNumbersTheArchivesOldestFirstLeavingOutUnfinishedOnes() {
    assertEquals("{\"0\": \"" + A + "\", \"1\": \"" + B + "\", \"2\": \"" + C + "\"}",
        ask(FOUR, NatsEndpoint.LISTBACKUPS, "listfiles"));
  }

  @Test
  void listBackupsThatCannotBeReadIsEmpty() {
    assertEquals("{}", ask(Optional::empty, NatsEndpoint.LISTBACKUPS, "listfiles"));
    assertEquals("{}", ask(() -> Optional.of(List.of()), NatsEndpoint.LISTBACKUPS, ""));
  }

  @Test
  void archiveListsItsTablesAsTheSeedDid() {
    assertEquals("{\"tables\": \"table1.sql,table2.sql,table3.sql\"}",
        ask(FOUR, NatsEndpoint.ARCHIVE, "archivename=" + A));
  }

  @Test
  void archiveThatIsMissingDamagedOrUnfinishedIsBadUnderItsName() {
    assertEquals("{\"" + B + "\": \"bad\", \"error\": \"archive " + B + " is CORRUPT (damaged"
        + " or unfinished)\"}", ask(FOUR, NatsEndpoint.ARCHIVE, "archivename=" + B));
    assertEquals("{\"" + D + "\": \"bad\", \"error\": \"archive " + D + " is RUNNING (damaged"
        + " or unfinished)\"}", ask(FOUR, NatsEndpoint.ARCHIVE, "archivename=" + D));
    assertEquals("{\"2021-11-28_20-30-40-backup.7z\": \"bad\", \"error\": \"no archive"
        + " 2021-11-28_20-30-40-backup.7z\"}",
        ask(FOUR, NatsEndpoint.ARCHIVE, "archivename=2021-11-28_20-30-40-backup.7z"));
    assertEquals("{\"" + A + "\": \"bad\", \"error\": \"the archives cannot be listed now\"}",
        ask(Optional::empty, NatsEndpoint.ARCHIVE, "archivename=" + A));
  }

  @Test
  void restoreOfTablesTheArchiveDoesNotHoldIsBadAndStartsNothing() {
    // no RestoreflowClient here: a job start would fail the test with a NullPointerException
    assertEquals("{\"status\": \"bad\", \"error\": \"not in archive " + C + ": table1.sql"
        + " (it holds orders.sql)\"}", ask(FOUR, NatsEndpoint.RESTORE, "archive=" + C
            + ";tables=orders.sql,table1.sql"));
    assertEquals("{\"status\": \"bad\", \"error\": \"archive " + B + " is CORRUPT (damaged or"
        + " unfinished)\"}", ask(FOUR, NatsEndpoint.RESTORE, "archive=" + B
            + ";tables=table1.sql"));
  }

  @Test
  void malformedRequestsGetTheSeedsBadReplyWithTheReason() {
    assertEquals("{\"status\": \"bad\", \"futurefilename\": \"\", \"error\": \"missing '=':"
        + " send makebackup=... in the body, or the header\"}",
        ask(FOUR, NatsEndpoint.MAKEBACKUP, "makebackup"));
    assertEquals("{\"wrong.7z\": \"bad\", \"error\": \"not an archive name of the form"
        + " YYYY-MM-DD_HH-MM-SS-backup.7z\"}", ask(FOUR, NatsEndpoint.ARCHIVE,
            "archivename=wrong.7z"));
  }

  private static final String MYSQL_CONFIG = """
      {"hosts": {"local": {"kind": "local"}},
       "instances": {"shop": {"host": "local", "engine": "mysqltables",
         "mysqltables": {"archiveDir": "/var/tmp/never/archives", "database": "shop",
           "user": "backup", "passwordEnv": "SHOP_DB_PASSWORD"}}}}
      """;

  /** No Temporal client: a request answered bad must never reach one. */
  private static String askMysql(DatabaseTables tables, String body) {
    NatsBackupService service = new NatsBackupService("shop",
        new RequestResolver(ConfigLoader.parse(MYSQL_CONFIG).inventory()), null, null, FOUR,
        tables, Clock.systemUTC());
    return new String(service.answer(NatsEndpoint.MAKEBACKUP, Map.of(),
        body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  @Test
  void makeBackupOfATableTheDatabaseLacksIsBadBeforeAnyJob() {
    assertEquals("{\"status\": \"bad\", \"futurefilename\": \"\", \"error\": \"no table"
        + " nosuch in the database; nothing was started\"}",
        askMysql(() -> Optional.of(List.of("table1", "table2")), "makebackup=table1,nosuch"));
    String unread = askMysql(Optional::empty, "makebackup=table1");
    assertEquals(true, unread.startsWith("{\"status\": \"bad\", \"futurefilename\": \"\","
        + " \"error\": \"the database's tables cannot be read now"), unread);
  }

  @Test
  void makeBackupOfAnEngineWithoutTablesIsRefusedBeforeAnyJob() {
    String reply = ask(FOUR, NatsEndpoint.MAKEBACKUP, "makebackup=t1,t2");
    assertEquals(true, reply.startsWith("{\"status\": \"bad\", \"futurefilename\": \"\","
        + " \"error\": \"NOT_SUPPORTED: "), reply);
  }
}
