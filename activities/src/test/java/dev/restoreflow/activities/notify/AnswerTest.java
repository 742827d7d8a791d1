package dev.restoreflow.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AnswerTest {

  @Test
  void twoHundredsAreDelivered() {
    for (int status : new int[] {200, 201, 202, 204, 299}) {
      assertEquals(Answer.DELIVERED, Answer.of(status), String.valueOf(status));
    }
  }

  @Test
  void serverErrorsTimeoutsAndThrottlingAreRetried() {
    for (int status : new int[] {500, 502, 503, 504, 599, 408, 429}) {
      assertEquals(Answer.RETRY, Answer.of(status), String.valueOf(status));
    }
  }

  @Test
  void otherClientErrorsAndRedirectsAreRefusedForGood() {
    for (int status : new int[] {400, 401, 403, 404, 405, 410, 413, 422, 301, 302, 307, 600}) {
      assertEquals(Answer.REFUSED, Answer.of(status), String.valueOf(status));
    }
  }

  @Test
  void noStatusAtAllIsRetried() {
    assertEquals(Answer.RETRY, new WebhookPoster.Sent(0, "cannot connect").answer());
    assertEquals("cannot connect", new WebhookPoster.Sent(0, "cannot connect").describe());
    assertEquals("HTTP 503", new WebhookPoster.Sent(503, null).describe());
  }
}
