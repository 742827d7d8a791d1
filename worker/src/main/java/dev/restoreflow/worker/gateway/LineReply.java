package dev.restoreflow.worker.gateway;

/** The reply line to one request line, and whether the connection ends after it. */
public record LineReply(String text, boolean closesConnection) {

  static LineReply ok(String text) {
    return new LineReply(text, false);
  }

  static LineReply error(GatewayError error) {
    return new LineReply(error.reply(), error.closesConnection());
  }
}
