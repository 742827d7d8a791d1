package dev.restoreflow.activities.notify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.restoreflow.workflows.model.JobNotice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One webhook of {@code notifications.webhooks}: where a notice goes and in which body. Holds the
 * names of environment variables, never their values: the URL and the token are read from the
 * worker's environment when a notice is sent.
 *
 * @param name how logs, failures and the delivery record name the webhook
 * @param urlEnv the variable that holds the http(s) URL (often with a secret in its path)
 * @param tokenEnv the variable that holds a token sent as {@code Authorization: Bearer}, or null
 * @param format {@value #JSON} (every field of the notice and a {@code text}) or {@value #SLACK}
 *     ({@code {"text": "..."}})
 * @param events the notice events the webhook gets; every event when written without
 */
public record WebhookConfig(String name, String urlEnv, String tokenEnv, String format,
    List<String> events) {

  public static final String JSON = "json";
  public static final String SLACK = "slack";
  public static final List<String> FORMATS = List.of(JSON, SLACK);
  /** Every event a job's notice has (PLANNED: a dry run's plan). */
  public static final List<String> EVENTS = List.of(JobNotice.SUCCEEDED, JobNotice.FAILED,
      JobNotice.CANCELLED, JobNotice.REJECTED, "PLANNED", JobNotice.AWAITING_APPROVAL,
      JobNotice.STALLED);

  public WebhookConfig {
    events = events == null ? EVENTS
        : Collections.unmodifiableList(new ArrayList<>(events));   // a null entry is checked
  }

  @JsonIgnore
  public boolean wants(JobNotice notice) {
    return events.contains(notice.event());
  }

  @JsonIgnore
  public boolean slack() {
    return SLACK.equals(format);
  }
}
