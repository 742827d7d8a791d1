package dev.restoreflow.workflows;

/** What a restore's data directory holds, for the progress query and failure messages. */
enum DataState {
  UNTOUCHED("untouched, cluster as it was"),
  STOPPING("intact, cluster being stopped; restoreflow starts it again if the job ends here"),
  STOPPED_INTACT("intact, cluster stopped"),
  WIPING("being wiped, cluster stopped; run a full restore"),
  /** WipeData moves the old entries aside (or deletes them when there is no room). */
  WIPING_ASIDE("being wiped, cluster stopped, its entries moved into a .<pgdata name>"
      + ".restoreflow-old-<job> directory beside it or deleted; run a full restore"),
  EMPTY("empty, cluster stopped; run a full restore"),
  PARTIAL("partly restored, cluster stopped; run a full restore"),
  PARTIAL_INCREMENTAL("partly restored incrementally, cluster stopped; run the restore again"),
  RESTORED_STOPPED("restored, cluster stopped"),
  RESTORED_RUNNING("restored, cluster running"),
  /** A logical restore's database is in place; the cluster ran throughout. */
  RESTORED_LOGICALLY("database restored, cluster running");

  final String description;

  DataState(String description) {
    this.description = description;
  }

  /** Whether the data was not touched: a job that ends here starts the cluster again. */
  boolean isIntact() {
    return this == STOPPED_INTACT || this == STOPPING;
  }
}
