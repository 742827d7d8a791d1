package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.ScratchConfig;
import org.junit.jupiter.api.Test;

/** The {@code instances.N.scratch} section as the loader checks it. */
class ScratchPlaceTest {

  private static final String TWO = """
      {
        "hosts": {"S-DB1": {"kind": "local"}},
        "instances": {
          "main1": {
            "host": "S-DB1",
            "pgdata": "/var/lib/postgresql/15/main",
            "probackup": {"catalog": "/mnt/backups"}
            SCRATCH
          },
          "main2": {
            "host": "S-DB1",
            "pgdata": "/srv/pg/main2",
            "port": 5440,
            "probackup": {"catalog": "/mnt/backups"}
          }
        }
      }
      """;

  private static RestoreflowConfig load(String scratch) {
    return ConfigLoader.parse(TWO.replace("SCRATCH", scratch == null ? ""
        : ", \"scratch\": " + scratch));
  }

  private static ConfigException refused(String scratch) {
    return assertThrows(ConfigException.class, () -> load(scratch));
  }

  @Test
  void aScratchPlaceLoadsAndItsAbsenceIsNull() {
    InstanceConfig main1 = load("{\"root\": \"/srv/scratch\", \"port\": 6543}")
        .requireInstance("main1");
    assertEquals(new ScratchConfig("/srv/scratch", 6543, null), main1.scratch());
    assertNull(load(null).requireInstance("main1").scratch());
  }

  @Test
  void badRootsAreRefusedByTheirKey() {
    for (String root : new String[] {"srv/scratch", "/srv/../scratch", "/srv/scratch/",
        "/srv//scratch", "/srv/with space", "/scratch", "/var/lib/postgresql/15/main",
        "/var/lib/postgresql/15/main/scratch", "/var/lib/postgresql", "/srv/pg",
        "/srv/pg/main2/x"}) {
      ConfigException e = refused("{\"root\": \"" + root + "\"}");
      assertEquals("instances.main1.scratch.root", e.key(), root + ": " + e.getMessage());
    }
    assertTrue(refused("{\"root\": \"/srv/pg\"}").getMessage()
        .contains("contains instances.main2.pgdata"));
    assertEquals("instances.main1.scratch.root", refused("{\"port\": 6000}").key());
  }

  @Test
  void badPortsAndDatabasesAreRefusedByTheirKey() {
    assertEquals("instances.main1.scratch.port",
        refused("{\"root\": \"/srv/scratch\", \"port\": 5432}").key());
    assertEquals("instances.main1.scratch.port",
        refused("{\"root\": \"/srv/scratch\", \"port\": 70000}").key());
    assertEquals("instances.main1.scratch.database",
        refused("{\"root\": \"/srv/scratch\", \"database\": \"Bad-Name\"}").key());
    assertEquals("instances.main1.scratch.database",
        refused("{\"root\": \"/srv/scratch\", \"database\": \"postgres\"}").key());
  }
}
