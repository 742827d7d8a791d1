package dev.restoreflow.worker.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;

/**
 * The shared token of a way in (the line gateway, the HTTP API), with the same rules for both:
 * read from the environment variable the config names (never from the file, never logged), which
 * must then be set and not blank; when there is one, every request carries it; compared in
 * constant time.
 */
public final class SharedToken {

  /** What a request's token is worth. */
  public enum Verdict { ACCEPTED, MISSING, WRONG }

  private static final SharedToken NONE = new SharedToken(null);

  private final byte[] token;

  private SharedToken(byte[] token) {
    this.token = token;
  }

  public static SharedToken none() {
    return NONE;
  }

  /** @param token the token, or null for none */
  public static SharedToken of(String token) {
    return token == null ? NONE : new SharedToken(token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The token in the variable {@code envName} names; none when {@code envName} is null.
   *
   * @param key the config key that names the variable, for the error
   * @throws IllegalArgumentException when the variable is not set or blank
   */
  public static SharedToken fromEnvironment(String key, String envName,
      Function<String, String> environment) {
    if (envName == null) {
      return NONE;
    }
    String value = environment.apply(envName);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " names " + envName
          + ", which is not set; export it or remove " + key);
    }
    return of(value);
  }

  public boolean required() {
    return token != null;
  }

  /** @param presented the token a request carries, or null */
  public Verdict check(String presented) {
    if (token == null) {
      return Verdict.ACCEPTED;
    }
    if (presented == null) {
      return Verdict.MISSING;
    }
    return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))
        ? Verdict.ACCEPTED : Verdict.WRONG;
  }

  @Override
  public String toString() {
    return token == null ? "no token" : "token ******";
  }
}
