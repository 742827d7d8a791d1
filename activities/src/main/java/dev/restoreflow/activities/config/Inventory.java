package dev.restoreflow.activities.config;

import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.workflows.FailureType;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The configured hosts and instances: what restore, backup and catalog steps, and the request
 * resolver, work with. Read-only once loaded.
 */
public record Inventory(Map<String, HostConfig> hosts, Map<String, InstanceConfig> instances,
    NoticeSubscriptions notices) {

  public Inventory {
    hosts = Map.copyOf(hosts);
    instances = Map.copyOf(instances);
    notices = notices == null ? NoticeSubscriptions.none() : notices;
  }

  /** Hosts and instances, with no notices sent. */
  public Inventory(Map<String, HostConfig> hosts, Map<String, InstanceConfig> instances) {
    this(hosts, instances, null);
  }

  public Optional<InstanceConfig> instance(String name) {
    return Optional.ofNullable(name == null ? null : instances.get(name));
  }

  /**
   * The instance's config when it may be restored onto {@code host}: both are configured and the
   * instance declares the host (its own, or one of its restoreHosts). The one copy of these rules
   * and their messages, for the request resolver and for every host step.
   *
   * @throws RequestRejectedException UNKNOWN_INSTANCE, UNKNOWN_HOST or HOST_NOT_ALLOWED
   */
  public InstanceConfig instanceOnHost(String name, String host) {
    InstanceConfig instance = knownInstance(name);
    if (host == null || !hosts.containsKey(host)) {
      throw new RequestRejectedException(FailureType.UNKNOWN_HOST, "host '" + host
          + "' is not configured; configured: " + String.join(", ", new TreeSet<>(hosts.keySet())));
    }
    if (!instance.mayRestoreOnto(host)) {
      throw new RequestRejectedException(FailureType.HOST_NOT_ALLOWED,
          new HostNotAllowedException(name, host, instance.restoreHosts()).getMessage());
    }
    return instance;
  }

  /** @throws RequestRejectedException UNKNOWN_INSTANCE (or INVALID_REQUEST for no name) */
  public InstanceConfig knownInstance(String name) {
    if (name == null || name.isBlank()) {
      throw new RequestRejectedException(FailureType.INVALID_REQUEST, "no instance given;"
          + " configured: " + String.join(", ", new TreeSet<>(instances.keySet())));
    }
    return instance(name).orElseThrow(() -> new RequestRejectedException(
        FailureType.UNKNOWN_INSTANCE, "instance '" + name + "' is not configured; configured: "
            + String.join(", ", new TreeSet<>(instances.keySet()))));
  }

  /** The instance's config, or an exception naming what is known. */
  public InstanceConfig requireInstance(String name) {
    return instance(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown instance '" + name + "'; configured: " + String.join(", ",
            new java.util.TreeSet<>(instances.keySet()))));
  }

  /**
   * Refuses to restore instance {@code name} onto {@code host} unless the instance declares it
   * (its own host or one of its restoreHosts); a typo in the host then never stops and wipes
   * whatever cluster another host has at the same path.
   *
   * @throws HostNotAllowedException when the instance may not be restored onto the host
   * @throws IllegalArgumentException when the instance is not configured
   */
  public void requireRestoreHost(String name, String host) {
    InstanceConfig instance = requireInstance(name);
    if (!instance.mayRestoreOnto(host)) {
      throw new HostNotAllowedException(name, host, instance.restoreHosts());
    }
  }
}
