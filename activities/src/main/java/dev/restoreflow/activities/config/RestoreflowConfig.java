package dev.restoreflow.activities.config;

import java.util.Map;
import java.util.Optional;

/** The whole, validated configuration; read-only once loaded. */
public record RestoreflowConfig(
    TemporalConfig temporal,
    String ledger,
    String logDir,
    Map<String, HostConfig> hosts,
    Map<String, InstanceConfig> instances,
    LineGatewayConfig lineGateway) {

  public RestoreflowConfig {
    hosts = Map.copyOf(hosts);
    instances = Map.copyOf(instances);
    lineGateway = lineGateway == null ? LineGatewayConfig.defaults() : lineGateway;
  }

  public RestoreflowConfig withLineGateway(LineGatewayConfig gateway) {
    return new RestoreflowConfig(temporal, ledger, logDir, hosts, instances, gateway);
  }

  public Optional<InstanceConfig> instance(String name) {
    return Optional.ofNullable(name == null ? null : instances.get(name));
  }

  /** The instance's config, or an exception naming what is known. */
  public InstanceConfig requireInstance(String name) {
    return instance(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown instance '" + name + "'; configured: " + String.join(", ",
            new java.util.TreeSet<>(instances.keySet()))));
  }
}
