package dev.restoreflow.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.Inventory;
import dev.restoreflow.client.RequestRejectedException;
import java.util.Map;
import java.util.Optional;

/**
 * The whole, validated configuration file; read-only once loaded. The worker's own parts (Temporal,
 * the gateway, the ledger and log paths) stay here; activities get the {@link #inventory()}.
 */
public record RestoreflowConfig(
    TemporalConfig temporal,
    String ledger,
    String logDir,
    Map<String, HostConfig> hosts,
    Map<String, InstanceConfig> instances,
    LineGatewayConfig lineGateway,
    HttpConfig http,
    NatsConfig nats,
    NotificationsConfig notifications) {

  public RestoreflowConfig {
    hosts = Map.copyOf(hosts);
    instances = Map.copyOf(instances);
    lineGateway = lineGateway == null ? LineGatewayConfig.defaults() : lineGateway;
    http = http == null ? HttpConfig.defaults() : http;
    notifications = notifications == null ? NotificationsConfig.none() : notifications;
  }

  /** A config without notifications. */
  public RestoreflowConfig(TemporalConfig temporal, String ledger, String logDir,
      Map<String, HostConfig> hosts, Map<String, InstanceConfig> instances,
      LineGatewayConfig lineGateway, HttpConfig http, NatsConfig nats) {
    this(temporal, ledger, logDir, hosts, instances, lineGateway, http, nats, null);
  }

  /** A config without a NATS gateway. */
  public RestoreflowConfig(TemporalConfig temporal, String ledger, String logDir,
      Map<String, HostConfig> hosts, Map<String, InstanceConfig> instances,
      LineGatewayConfig lineGateway, HttpConfig http) {
    this(temporal, ledger, logDir, hosts, instances, lineGateway, http, null, null);
  }

  /** A config with the HTTP API's defaults. */
  public RestoreflowConfig(TemporalConfig temporal, String ledger, String logDir,
      Map<String, HostConfig> hosts, Map<String, InstanceConfig> instances,
      LineGatewayConfig lineGateway) {
    this(temporal, ledger, logDir, hosts, instances, lineGateway, null, null, null);
  }

  public RestoreflowConfig withLineGateway(LineGatewayConfig gateway) {
    return new RestoreflowConfig(temporal, ledger, logDir, hosts, instances, gateway, http, nats,
        notifications);
  }

  public RestoreflowConfig withHttp(HttpConfig newHttp) {
    return new RestoreflowConfig(temporal, ledger, logDir, hosts, instances, lineGateway, newHttp,
        nats, notifications);
  }

  /** @param newNats null = no NATS gateway */
  public RestoreflowConfig withNats(NatsConfig newNats) {
    return new RestoreflowConfig(temporal, ledger, logDir, hosts, instances, lineGateway, http,
        newNats, notifications);
  }

  /** @param newNotifications null = none */
  public RestoreflowConfig withNotifications(NotificationsConfig newNotifications) {
    return new RestoreflowConfig(temporal, ledger, logDir, hosts, instances, lineGateway, http,
        nats, newNotifications);
  }

  /** The hosts and instances, as the activities and the request resolver take them. */
  @JsonIgnore
  public Inventory inventory() {
    return new Inventory(hosts, instances, notifications.subscriptions());
  }

  public Optional<InstanceConfig> instance(String name) {
    return inventory().instance(name);
  }

  /** The instance's config, or an exception naming what is known. */
  public InstanceConfig requireInstance(String name) {
    return inventory().requireInstance(name);
  }

  /** @throws RequestRejectedException UNKNOWN_INSTANCE (or INVALID_REQUEST for no name) */
  public InstanceConfig knownInstance(String name) {
    return inventory().knownInstance(name);
  }
}
