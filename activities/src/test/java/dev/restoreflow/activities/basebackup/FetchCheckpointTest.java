package dev.restoreflow.activities.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.EncodingKeys;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FetchCheckpointTest {

  private static Payload json(String text) {
    return Payload.newBuilder()
        .putMetadata(EncodingKeys.METADATA_ENCODING_KEY,
            ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build();
  }

  private static FetchCheckpoint read(Payload payload) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, FetchCheckpoint.class,
        FetchCheckpoint.class);
  }

  @Test
  void aHeartbeatAnOlderWorkerSentStillReadsAsItsRestartPoint() {
    // what a worker before "compared" sent, and one before bytesDone/bytesTotal
    FetchCheckpoint seven = read(json("{\"object\":1,\"chunk\":4,\"entryName\":\"base/1/2\","
        + "\"entrySize\":8192,\"entryMode\":384,\"entryDataStart\":512,\"downloaded\":123456}"));
    assertEquals(new FetchCheckpoint(1, 4, "base/1/2", 8192, 384, 512, 123456), seven);
    assertEquals(0, seven.bytesDone());
    assertEquals(0, seven.bytesTotal());
    FetchCheckpoint eight = read(json("{\"object\":0,\"chunk\":0,\"entryName\":null,"
        + "\"entrySize\":0,\"entryMode\":0,\"entryDataStart\":0,\"downloaded\":99,"
        + "\"compared\":4096}"));
    assertEquals(new FetchCheckpoint(0, 0, null, 0, 0, 0, 99, 4096), eight);
  }

  @Test
  void theHeartbeatCarriesBytesDoneAndTotalUnderTheContractsNames() {
    FetchCheckpoint beat = new FetchCheckpoint(2, 7, null, 0, 0, 0, 5000).withBytes(5000, 20000);
    var payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(beat).orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> details = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload,
        Map.class, Map.class);
    assertEquals(5000, details.get("bytesDone"));
    assertEquals(20000, details.get("bytesTotal"));
    assertEquals(beat, read(payload), "and it is still the restart point");
    assertEquals(7, read(payload).chunk());
  }

  @Test
  void bytesDoneNeverPassesTheTotal() {
    FetchCheckpoint start = FetchCheckpoint.start();
    assertEquals(100, start.withBytes(130, 100).bytesDone(), "re-downloaded bytes, then WAL");
    assertEquals(130, start.withBytes(130, 0).bytesDone(), "no total: as counted");
  }
}
