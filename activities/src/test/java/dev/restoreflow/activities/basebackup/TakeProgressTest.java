package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.restoreflow.activities.basebackup.BaseBackupEngine.TakeProgress;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.EncodingKeys;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TakeProgressTest {

  @Test
  void anOlderWorkersHeartbeatStillGivesTheRetryTheBackupId() {
    Payload old = Payload.newBuilder()
        .putMetadata(EncodingKeys.METADATA_ENCODING_KEY, ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom("{\"backupId\":\"20261129T111029Z\",\"lastLine\":\"started\"}",
            StandardCharsets.UTF_8)).build();
    TakeProgress read = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(old,
        TakeProgress.class, TakeProgress.class);
    assertEquals(new TakeProgress("20261129T111029Z", "started"), read);
    assertEquals(0, read.bytesTotal());
  }

  @Test
  void theHeartbeatSaysTheBytesStreamedOfAboutTheDataDirectorysSize() {
    TakeProgress beat = new TakeProgress("B", "started").withBytes(3000, 10_000);
    var payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(beat).orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload,
        Map.class, Map.class);
    assertEquals(3000, details.get("bytesDone"));
    assertEquals(10_000, details.get("bytesTotal"));
    assertEquals("B", details.get("backupId"));
    assertEquals(10_000, new TakeProgress("B", "x").withBytes(12_000, 10_000).bytesDone(),
        "the WAL fetched with it and the tar headers may pass the directory's size");
    assertEquals(0, new TakeProgress("B", "x").withBytes(0, 0).bytesTotal(),
        "not measured yet: no total");
  }
}
