package dev.restoreflow.activities.notify;

import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.activities.NotifyActivities;
import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a notice to each webhook that subscribes to its event, one after the other, on the
 * server's task queue. A webhook that answered (2xx taken, 4xx refused) is written in the
 * {@link DeliveryRecord} and skipped by the next attempt; one that did not (down, 5xx, 408, 429,
 * no answer in time) makes the attempt fail retryably, and Temporal's retry options (the
 * workflow's) send it again. Only refusals make the failure final. Logs and failures name the
 * webhook, never its URL or token.
 */
public final class NotifyActivitiesImpl implements NotifyActivities {

  private static final Logger log = LoggerFactory.getLogger(NotifyActivitiesImpl.class);

  private final List<WebhookConfig> webhooks;
  private final Function<String, String> environment;
  private final DeliveryRecord record;
  private final WebhookPoster poster;

  /**
   * @param environment where the webhooks' URLs and tokens are read, at each send
   * @param record null only when there are no webhooks
   */
  public NotifyActivitiesImpl(List<WebhookConfig> webhooks, Function<String, String> environment,
      DeliveryRecord record, WebhookPoster poster) {
    if (!webhooks.isEmpty() && record == null) {
      throw new IllegalArgumentException("webhooks need a delivery record");
    }
    this.webhooks = List.copyOf(webhooks);
    this.environment = environment;
    this.record = record;
    this.poster = poster;
  }

  /** No webhooks: every notice is dropped (logged at debug). */
  public static NotifyActivitiesImpl none() {
    return new NotifyActivitiesImpl(List.of(), name -> null, null, new WebhookPoster());
  }

  @Override
  public void notify(JobNotice notice) {
    if (notice == null || notice.id() == null || notice.id().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("a notice needs an id",
          FailureType.INVALID_REQUEST.name());
    }
    List<String> waiting = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    int wanted = 0;
    for (WebhookConfig webhook : webhooks) {
      if (!webhook.wants(notice)) {
        continue;
      }
      wanted++;
      Optional<Answer> before = record.answer(notice.id(), webhook.name());
      if (before.isPresent()) {
        log.debug("notice {} to webhook {}: answered before ({}), not sent again", notice.id(),
            webhook.name(), before.get());
        if (before.get() == Answer.REFUSED) {
          refused.add(webhook.name());
        }
        continue;
      }
      heartbeat(webhook.name());
      switch (send(webhook, notice)) {
        case RETRY -> waiting.add(webhook.name());
        case REFUSED -> refused.add(webhook.name());
        case DELIVERED -> { }
      }
    }
    if (wanted == 0) {
      log.debug("notice {} ({}): no webhook takes this event", notice.id(), notice.event());
    }
    String refusals = "refused by webhook " + String.join(", ", refused)
        + " (check its URL, token and format; not sent again)";
    if (!waiting.isEmpty()) {
      throw ApplicationFailure.newFailure("notice " + notice.id() + " not yet taken by webhook "
          + String.join(", ", waiting) + " (sent again on the next attempt)"
          + (refused.isEmpty() ? "" : "; " + refusals), FailureType.WEBHOOK_UNAVAILABLE.name());
    }
    if (!refused.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("notice " + notice.id() + " " + refusals,
          FailureType.WEBHOOK_REJECTED.name());
    }
  }

  private Answer send(WebhookConfig webhook, JobNotice notice) {
    WebhookEndpoint endpoint;
    try {
      endpoint = WebhookEndpoint.read(webhook, environment);
    } catch (WebhookEndpoint.BadEndpointException e) {
      log.error("notice {} to webhook {}: {}; not sent", notice.id(), webhook.name(),
          e.getMessage());
      return Answer.REFUSED;
    }
    WebhookPoster.Sent sent = poster.post(endpoint, notice.id(), NoticeBodies.body(webhook,
        notice));
    Answer answer = sent.answer();
    switch (answer) {
      case DELIVERED -> {
        record.record(notice.id(), webhook.name(), answer, sent.status());
        log.info("notice {} to webhook {}: {}, delivered", notice.id(), webhook.name(),
            sent.describe());
      }
      case RETRY -> log.warn("notice {} to webhook {}: {}, will retry", notice.id(),
          webhook.name(), sent.describe());
      case REFUSED -> {
        record.record(notice.id(), webhook.name(), answer, sent.status());
        log.error("notice {} to webhook {}: {}, refused: not sent again (check the webhook's"
            + " URL, token and format)", notice.id(), webhook.name(), sent.describe());
      }
    }
    return answer;
  }

  /** Progress for the Temporal UI; outside an activity (a test calling it directly) nothing. */
  private static void heartbeat(String webhook) {
    try {
      Activity.getExecutionContext().heartbeat(webhook);
    } catch (IllegalStateException | NullPointerException notInAnActivity) {
      // no activity context
    }
  }
}
