package dev.restoreflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.WordsAndBytes;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The heartbeats of pgdump's and mysqltables' steps, as Temporal carries them, read by
 * {@code --follow}: a bar where the step knows its total, a growing count (for the rate) where it
 * does not.
 */
class WordsAndBytesBeatTest {

  @Test
  void aLoadOfKnownSizeIsABar() {
    StepBeat beat = StepBeat.of(details(WordsAndBytes.of("loading table t1 into shop_restoreflow",
        3 << 20, 12 << 20)));
    assertTrue(beat.hasBytes());
    assertEquals(25, ProgressText.percent(beat.bytesDone(), beat.bytesTotal()));
  }

  @Test
  void aDumpWithoutATotalIsACountWithNoPercent() {
    StepBeat beat = StepBeat.of(details(WordsAndBytes.of("full dump of shop", 5 << 20, 0)));
    assertFalse(beat.hasBytes(), "no invented percent");
    assertEquals(5 << 20, beat.counted(), "the count the rate is taken from");
    assertEquals("full dump of shop (5.0 MiB done)", beat.text(), "the step's words and its count");
  }

  @Test
  void wordsAloneAreShownAsTheyAre() {
    StepBeat beat = StepBeat.of(details(WordsAndBytes.words("extracting 2 tables")));
    assertFalse(beat.hasBytes());
    assertEquals("extracting 2 tables", beat.text());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Object heartbeat) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        DefaultDataConverter.STANDARD_INSTANCE.toPayload(heartbeat).orElseThrow(), Map.class,
        Map.class);
  }
}
