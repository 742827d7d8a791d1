package dev.restoreflow.activities.registry;

import dev.restoreflow.activities.basebackup.BaseBackupEngine;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.engine.Engine;
import dev.restoreflow.activities.mysqltables.MysqlTablesEngine;
import dev.restoreflow.activities.pgbackrest.PgBackRestEngine;
import dev.restoreflow.activities.pgdump.PgDumpEngine;
import dev.restoreflow.activities.probackup.ProbackupEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry: every engine restoreflow has, found by the instance's {@code engine}. Adding an
 * engine is one package and one line here.
 */
public final class Engines {

  /** What an instance without {@code engine} in the config uses. */
  public static final String DEFAULT = ProbackupEngine.NAME;

  private static final Engines STANDARD = new Engines(List.of(
      new ProbackupEngine(),
      new BaseBackupEngine(),
      new PgBackRestEngine(),
      new PgDumpEngine(),
      new MysqlTablesEngine()));

  private final Map<String, Engine> byName = new LinkedHashMap<>();

  Engines(List<Engine> engines) {
    engines.forEach(engine -> byName.put(engine.name(), engine));
  }

  public static Engines standard() {
    return STANDARD;
  }

  public Set<String> names() {
    return byName.keySet();
  }

  public List<Engine> all() {
    return List.copyOf(byName.values());
  }

  /** @throws IllegalArgumentException for an engine restoreflow does not have */
  public Engine named(String name) {
    Engine engine = byName.get(name);
    if (engine == null) {
      throw new IllegalArgumentException("engine '" + name + "' is not one of " + names());
    }
    return engine;
  }

  /** The engine of a loaded instance (the loader checked its name). */
  public Engine of(InstanceConfig instance) {
    return named(instance.engine());
  }
}
