package dev.restoreflow.activities.notify;

/** What a webhook's answer means for the notice. */
public enum Answer {
  /** 2xx: the webhook took the notice. */
  DELIVERED,
  /** 5xx, 408, 429, no connection, no answer in time: sent again on the activity's next attempt. */
  RETRY,
  /** Any other status (4xx, a redirect): the same notice would be refused again. */
  REFUSED;

  public static Answer of(int httpStatus) {
    if (httpStatus >= 200 && httpStatus < 300) {
      return DELIVERED;
    }
    if ((httpStatus >= 500 && httpStatus < 600) || httpStatus == 408 || httpStatus == 429) {
      return RETRY;
    }
    return REFUSED;
  }
}
