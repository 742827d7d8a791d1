package dev.restoreflow.activities.config;

import java.util.List;

/**
 * What the configured webhooks take, as the request resolver puts it into each job: the events
 * (JobNotice's words) and when a step counts as stalled. No URL or token: those stay with the
 * worker that sends.
 *
 * @param events the events at least one webhook takes; empty = no notices
 * @param stallAfterSeconds a running step without progress for this long is notified as STALLED;
 *     null = never
 */
public record NoticeSubscriptions(List<String> events, Long stallAfterSeconds) {

  public NoticeSubscriptions {
    events = events == null ? List.of() : List.copyOf(events);
  }

  public static NoticeSubscriptions none() {
    return new NoticeSubscriptions(List.of(), null);
  }
}
