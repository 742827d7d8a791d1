package dev.restoreflow.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreflow.workflows.model.JobNotice;
import java.time.Instant;
import java.util.Map;

/** The bodies a webhook is sent: a generic JSON object, or Slack's {@code {"text": ...}}. */
public final class NoticeBodies {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Slack shows at most 40,000 characters of a text; a job's message is cut well before. */
  static final int MAX_MESSAGE = 1500;
  private static final Map<String, String> EMOJI = Map.of(
      JobNotice.SUCCEEDED, ":white_check_mark:",
      JobNotice.FAILED, ":red_circle:",
      JobNotice.CANCELLED, ":black_circle:",
      JobNotice.REJECTED, ":no_entry:",
      JobNotice.AWAITING_APPROVAL, ":raised_hand:",
      JobNotice.STALLED, ":hourglass:",
      "PLANNED", ":clipboard:");

  private NoticeBodies() {}

  /** The body for the webhook's format. */
  public static String body(WebhookConfig webhook, JobNotice notice) {
    return webhook.slack() ? slack(notice) : json(notice);
  }

  /** Every field of the notice, its time as ISO-8601 ({@code at}), and the one-line {@code text}. */
  public static String json(JobNotice notice) {
    ObjectNode body = JSON.valueToTree(notice);
    body.put("at", Instant.ofEpochMilli(notice.atMillis()).toString());
    body.put("text", text(notice));
    return write(body);
  }

  /** Slack's incoming-webhook body: one line, an emoji for the event, Slack's escapes. */
  public static String slack(JobNotice notice) {
    String emoji = EMOJI.getOrDefault(notice.event(), ":information_source:");
    return write(JSON.createObjectNode().put("text", emoji + " " + slackEscape(text(notice))));
  }

  /**
   * One line for a person: {@code restore 20261130-0815-ab12 of main1 on S-DB1 FAILED at FetchS3
   * (backup SSCOAD): the message}. Absent parts are left out.
   */
  public static String text(JobNotice notice) {
    StringBuilder line = new StringBuilder(orElse(notice.kind(), "job"));
    if (notice.jobId() != null) {
      line.append(' ').append(notice.jobId());
    }
    if (notice.instance() != null) {
      line.append(" of ").append(notice.instance());
    }
    if (notice.host() != null) {
      line.append(" on ").append(notice.host());
    }
    line.append(' ').append(orElse(notice.event(), "UPDATE"));
    if (notice.step() != null) {
      line.append(" at ").append(notice.step());
    }
    if (notice.backupId() != null) {
      line.append(" (backup ").append(notice.backupId()).append(')');
    }
    if (notice.message() != null && !notice.message().isBlank()) {
      line.append(": ").append(oneLine(notice.message()));
    }
    return line.toString();
  }

  private static String oneLine(String message) {
    String flat = message.strip().replaceAll("\\s*\\R\\s*", " / ");
    return flat.length() <= MAX_MESSAGE ? flat : flat.substring(0, MAX_MESSAGE) + " ...";
  }

  /** Slack reads &lt; &gt; &amp; as its markup; these three are escaped, nothing else. */
  static String slackEscape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static String write(ObjectNode body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a notice did not become JSON: " + e.getOriginalMessage(), e);
    }
  }
}
