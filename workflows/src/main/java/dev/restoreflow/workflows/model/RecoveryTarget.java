package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Point-in-time recovery target; at most one of the fields is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoveryTarget(String time, String lsn, String xid, String name) {

  @JsonIgnore
  public boolean isEmpty() {
    return time == null && lsn == null && xid == null && name == null;
  }
}
