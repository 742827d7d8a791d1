package dev.restoreflow.worker.config;

import dev.restoreflow.activities.config.NoticeSubscriptions;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.restoreflow.activities.notify.WebhookConfig;
import dev.restoreflow.activities.notify.WebhookEndpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code notifications} section: the webhooks a job's notices go to, and after how long
 * without progress a job is reported STALLED. Webhook URLs and tokens are not here: the section
 * names the environment variables that hold them.
 *
 * @param stallAfter e.g. "30m": a job whose step has not moved for this long is reported
 *     STALLED; null = never
 * @param webhooks in the order a notice is sent to them
 * @param deliveries the SQLite file of which webhook took which notice (absolute; by default
 *     beside the ledger, {@code <ledger>-notices.db}); null when there are no webhooks
 */
public record NotificationsConfig(String stallAfter, List<WebhookConfig> webhooks,
    String deliveries) {

  public NotificationsConfig {
    webhooks = webhooks == null ? List.of()
        : Collections.unmodifiableList(new ArrayList<>(webhooks));   // a null entry is checked
  }

  /** No webhooks, no stall notices: the section left out. */
  public static NotificationsConfig none() {
    return new NotificationsConfig(null, List.of(), null);
  }

  /**
   * For {@code ResolvedRestore.stallAfterSeconds}: how long a job may make no progress before
   * its STALLED notice, or null for no stall notices.
   */
  @JsonIgnore
  public Long stallAfterSeconds() {
    return stallAfter == null ? null : NotificationSettings.seconds(stallAfter);
  }

  /** What the request resolver puts into each job: the events some webhook takes, the stall time. */
  @JsonIgnore
  public NoticeSubscriptions subscriptions() {
    List<String> events = webhooks.stream().filter(java.util.Objects::nonNull)
        .flatMap(w -> w.events().stream()).distinct().toList();
    return new NoticeSubscriptions(events, events.isEmpty() ? null : stallAfterSeconds());
  }

  /**
   * Checks that every webhook's variables are set in the worker's environment and hold an
   * http(s) URL (and a token): run when the server starts. Errors name the variable, never its
   * value.
   */
  public void checkEnvironment(Function<String, String> environment) {
    for (int i = 0; i < webhooks.size(); i++) {
      try {
        WebhookEndpoint.read(webhooks.get(i), environment);
      } catch (WebhookEndpoint.BadEndpointException e) {
        throw new ConfigException("notifications.webhooks[" + i + "]." + e.field(),
            "(webhook " + webhooks.get(i).name() + ") " + e.getMessage());
      }
    }
  }
}
