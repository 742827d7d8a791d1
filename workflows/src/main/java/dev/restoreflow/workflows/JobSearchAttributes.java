package dev.restoreflow.workflows;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * The search attributes every restoreflow job carries, so that the Temporal UI and
 * {@code temporal workflow list --query 'DbInstance="main1"'} find jobs by what DBAs ask about.
 * All are Keyword attributes; servers must have them registered (see {@code SearchAttributeSetup}).
 */
public final class JobSearchAttributes {

  public static final SearchAttributeKey<String> DB_INSTANCE = SearchAttributeKey.forKeyword("DbInstance");
  public static final SearchAttributeKey<String> DB_HOST = SearchAttributeKey.forKeyword("DbHost");
  public static final SearchAttributeKey<String> ENGINE = SearchAttributeKey.forKeyword("Engine");
  public static final SearchAttributeKey<String> JOB_ID = SearchAttributeKey.forKeyword("JobId");
  public static final SearchAttributeKey<String> REQUESTED_VIA = SearchAttributeKey.forKeyword("RequestedVia");

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(DB_INSTANCE, DB_HOST, ENGINE, JOB_ID, REQUESTED_VIA);

  /** Values come partly from user input; the server rejects Keyword values over 2 KiB. */
  private static final int MAX_VALUE_LENGTH = 200;

  private JobSearchAttributes() {}

  /** Updates that set the attributes whose values are known (null values are left out). */
  @SuppressWarnings("unchecked")
  static SearchAttributeUpdate<String>[] of(String jobId, String instance, String host,
      String engine, String via) {
    List<SearchAttributeUpdate<String>> updates = new ArrayList<>();
    add(updates, JOB_ID, jobId);
    add(updates, DB_INSTANCE, instance);
    add(updates, DB_HOST, host);
    add(updates, ENGINE, engine);
    add(updates, REQUESTED_VIA, via);
    return updates.toArray(new SearchAttributeUpdate[0]);
  }

  private static void add(List<SearchAttributeUpdate<String>> updates,
      SearchAttributeKey<String> key, String value) {
    if (value != null && !value.isBlank()) {
      updates.add(key.valueSet(value.length() <= MAX_VALUE_LENGTH ? value
          : value.substring(0, MAX_VALUE_LENGTH)));
    }
  }
}
