package dev.restoreflow.activities.mysqltables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.workflows.model.PlannedStep;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The instance's mysqltables block, checked by key; the engine's request rules. */
class MysqlTablesSettingsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MysqlTablesEngine engine = new MysqlTablesEngine();

  private MysqlTablesConfig check(String json) throws Exception {
    return (MysqlTablesConfig) engine.checkSettings("instances.m.mysqltables", "m", null,
        JSON.readTree(json));
  }

  private String badKey(String json) {
    return assertThrows(BadSettingException.class, () -> check(json)).key();
  }

  @Test
  void defaultsAreFilledIn() throws Exception {
    MysqlTablesConfig c = check("{\"archiveDir\":\"/opt/backups\",\"database\":\"shop\","
        + "\"user\":\"backup\",\"passwordEnv\":\"SHOP_PW\"}");
    assertEquals(new MysqlTablesConfig("/opt/backups", "127.0.0.1", 3306, null, "shop", "backup",
        "SHOP_PW", "/usr/bin", "/usr/bin/7zz", 5), c);
    assertEquals("/opt/backups", engine.backupPlace(instance(c)));
  }

  private static dev.restoreflow.activities.config.InstanceConfig instance(MysqlTablesConfig c) {
    return new dev.restoreflow.activities.config.InstanceConfig("mysqltables", "h", null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, c);
  }

  @Test
  void aBadValueIsReportedByItsKey() {
    String ok = "\"database\":\"shop\",\"user\":\"backup\"";
    assertEquals("instances.m.mysqltables", badKey("null"));
    assertEquals("instances.m.mysqltables.archiveDir", badKey("{" + ok + "}"));
    assertEquals("instances.m.mysqltables.archiveDir", badKey("{\"archiveDir\":\"rel\"," + ok
        + "}"));
    assertEquals("instances.m.mysqltables.database", badKey("{\"archiveDir\":\"/b\","
        + "\"database\":\"sh-op\",\"user\":\"u\"}"));
    assertEquals("instances.m.mysqltables.passwordEnv", badKey("{\"archiveDir\":\"/b\"," + ok
        + ",\"passwordEnv\":\"secret pw\"}"));
    assertEquals("instances.m.mysqltables.compressLevel", badKey("{\"archiveDir\":\"/b\"," + ok
        + ",\"compressLevel\":10}"));
    assertEquals("instances.m.mysqltables.port", badKey("{\"archiveDir\":\"/b\"," + ok
        + ",\"port\":0}"));
    assertEquals("instances.m.mysqltables.password", badKey("{\"archiveDir\":\"/b\"," + ok
        + ",\"password\":\"x\"}"));
  }

  @Test
  void backupsNeedTablesAndRestoresStayOnTheServer() {
    assertEquals(List.of("t1", "t2"), engine.checkBackupTables(List.of("t1.sql", "t2")));
    assertEquals(null, engine.checkBackupTables(null), "retention resolves table-less");
    assertThrows(IllegalArgumentException.class, () -> engine.checkBackupTables(List.of()));
    assertThrows(IllegalArgumentException.class, () -> engine.checkBackupTables(List.of("a/b")));
    assertEquals(List.of("PlanRestore", "MysqlTablesRestore", "VerifyTables"),
        engine.restoreSteps(false, false).stream().map(PlannedStep::name).toList());
    assertThrows(IllegalArgumentException.class, () -> engine.normalizeBackupId("x.7z"));
  }
}
