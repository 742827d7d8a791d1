package dev.restoreflow.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.registry.Engines;

/** An instance built in a test, with its engine section checked as the config loader does. */
final class CheckedSettings {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckedSettings() {}

  /** @param instance an instance whose settings are the section as a user would write it */
  static InstanceConfig checked(String name, InstanceConfig instance) {
    return instance.withSettings(Engines.standard().of(instance).checkSettings(
        "instances." + name + "." + instance.engine(), name, instance,
        JSON.valueToTree(instance.settings())));
  }
}
