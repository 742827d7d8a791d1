package dev.restoreflow.worker.nats;

/** The subjects the gateway answers, each {@code <prefix>.<name>}. */
public enum NatsEndpoint {
  LISTBACKUPS("listbackups"),
  MAKEBACKUP("makebackup"),
  ARCHIVE("archive"),
  RESTORE("restore"),
  STATUS("status");

  private final String subjectName;

  NatsEndpoint(String subjectName) {
    this.subjectName = subjectName;
  }

  /** The subject's last token. */
  public String subjectName() {
    return subjectName;
  }
}
