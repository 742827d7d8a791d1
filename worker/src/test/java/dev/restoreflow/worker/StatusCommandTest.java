package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.restoreflow.worker.observe.Pollers;
import dev.restoreflow.worker.observe.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table {@code restoreflow status} prints for people, as the README shows it, and its JSON. */
class StatusCommandTest {

  @Test
  void tableSaysWhatIsDownAndWhatToDoAsTheReadmeShowsItAndJsonSaysOkAndWhatIsDown() throws Exception {
    Instant now = Instant.parse("2026-11-29T14:00:12Z");
    Status status = new Status(
        new Status.TemporalServer("127.0.0.1:7233", "default", true, "1.32.0", "reachable"),
        List.of(new Status.Workers("server", "restoreflow", "restoreflow", true,
                List.of(new Pollers.Poller("4242@backup1", "2026-11-29T14:00:00Z")), "1 poller(s)"),
            new Status.Workers("host", "S-DB1", "restoreflow.host.S-DB1", true,
                List.of(new Pollers.Poller("977@db1", "2026-11-29T14:00:09Z")), "1 poller(s)"),
            new Status.Workers("host", "S-DB2", "restoreflow.host.S-DB2", false, List.of(),
                "no worker polls: start `restoreflow worker --config /etc/restoreflow/config.json"
                    + " --host S-DB2`"
                    + " (systemd: restoreflow-worker@S-DB2)")),
        List.of(new Status.Gateway("line", "127.0.0.1:5000", true, "listening")),
        List.of(new Status.NewestBackup("main1", "probackup", "TP9FW8", "DELTA",
            "2026-11-29T11:00:12Z", 10_800L, null)), null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), status, now);

    String readme = Files.readString(Path.of("..", "README.md"));
    String block = readme.substring(readme.indexOf("```\ntemporal ") + 4);
    block = block.substring(0, block.indexOf("```"));
    assertEquals(block, bytes.toString(StandardCharsets.UTF_8));

    JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(status));
    assertFalse(json.get("ok").asBoolean());
    assertEquals("host S-DB2", json.at("/down/0").asText());
    assertEquals("977@db1", json.at("/workers/1/pollers/0/identity").asText());
  }
}
