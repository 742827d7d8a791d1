package dev.restoreflow.activities.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TurnRequestsTest {

  @Test
  void aJobsFirstRequestIsFirstAndItsAsksAgainAreNot() {
    TurnRequests requests = new TurnRequests();
    assertTrue(requests.isFirst("restore-a"));
    assertFalse(requests.isFirst("restore-a"), "an ask again looks at the queue first");
    assertTrue(requests.isFirst("restore-b"));
  }

  @Test
  void onlyTheLatestJobsAreRemembered() {
    TurnRequests requests = new TurnRequests(2);
    requests.isFirst("a");
    requests.isFirst("b");
    requests.isFirst("c");
    assertTrue(requests.isFirst("a"), "forgotten: its next request is sent without a look");
    assertFalse(requests.isFirst("c"));
  }
}
