package dev.restoreflow.activities.exec;

import java.util.List;

/** Masks secrets (passwords, keys) in anything that is logged or reported. */
public final class Redactor {

  public static final Redactor NONE = new Redactor(List.of());

  private final List<String> secrets;

  public Redactor(List<String> secrets) {
    this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).toList();
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "******");
    }
    return out;
  }
}
