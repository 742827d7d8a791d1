package dev.restoreflow.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.workflows.model.JobNotice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticeBodiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JobNotice FAILED = new JobNotice("20261130-0815-ab12:FAILED",
      "20261130-0815-ab12", "restore", "main1", "S-DB1", JobNotice.FAILED, "SSCOAD", "FetchS3",
      "S3 answered 503 <SlowDown> & gave up", 1_796_026_500_000L);

  @Test
  void slackBodyIsOneEscapedLineWithTheEventsEmoji() throws Exception {
    JsonNode body = JSON.readTree(NoticeBodies.slack(FAILED));
    assertEquals(List.of("text"), names(body));
    assertEquals(":red_circle: restore 20261130-0815-ab12 of main1 on S-DB1 FAILED at FetchS3"
        + " (backup SSCOAD): S3 answered 503 &lt;SlowDown&gt; &amp; gave up",
        body.get("text").asText());
  }

  @Test
  void jsonBodyHasEveryFieldOfTheNoticeAndTheText() throws Exception {
    JsonNode body = JSON.readTree(NoticeBodies.json(FAILED));
    assertEquals(List.of("id", "jobId", "kind", "instance", "host", "event", "backupId", "step",
        "message", "atMillis", "at", "text"), names(body));
    assertEquals(FAILED, JSON.treeToValue(((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy()).without(List.of("at", "text")),
        JobNotice.class));
    assertEquals("2026-11-30T08:15:00Z", body.get("at").asText());
    assertEquals("restore 20261130-0815-ab12 of main1 on S-DB1 FAILED at FetchS3 (backup SSCOAD):"
        + " S3 answered 503 <SlowDown> & gave up", body.get("text").asText());
  }

  @Test
  void theFormatPicksTheBody() {
    WebhookConfig slack = new WebhookConfig("oncall", "URL", null, WebhookConfig.SLACK, null);
    WebhookConfig json = new WebhookConfig("audit", "URL", null, WebhookConfig.JSON, null);
    assertEquals(NoticeBodies.slack(FAILED), NoticeBodies.body(slack, FAILED));
    assertEquals(NoticeBodies.json(FAILED), NoticeBodies.body(json, FAILED));
  }

  @Test
  void absentPartsAreLeftOutAndMessagesBecomeOneShortLine() {
    JobNotice stalled = new JobNotice("j1:STALLED", "j1", "backup", "main1", null,
        JobNotice.STALLED, null, "TakeBackup", "no progress\n  for 30 min\r\nstill running", 0);
    assertEquals("backup j1 of main1 STALLED at TakeBackup: no progress / for 30 min / still"
        + " running", NoticeBodies.text(stalled));
    JobNotice bare = new JobNotice("x", null, null, null, null, null, null, null, null, 0);
    assertEquals("job UPDATE", NoticeBodies.text(bare));
    String longMessage = "x".repeat(5000);
    String text = NoticeBodies.text(new JobNotice("j2:FAILED", "j2", "restore", "m", "h",
        JobNotice.FAILED, null, null, longMessage, 0));
    assertTrue(text.endsWith(" ...") && text.length() < NoticeBodies.MAX_MESSAGE + 100, text);
  }

  @Test
  void everyEventHasItsEmoji() throws Exception {
    for (String event : WebhookConfig.EVENTS) {
      JobNotice notice = new JobNotice("j:" + event, "j", "restore", "m", "h", event, null, null,
          null, 0);
      String text = JSON.readTree(NoticeBodies.slack(notice)).get("text").asText();
      assertTrue(text.matches(":[a-z_]+: restore j of m on h " + event), text);
      assertTrue(!text.startsWith(":information_source:"), event);
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
