package dev.restoreflow.activities.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Function;

/**
 * A webhook's URL and token, read from the environment. Its messages name the variables, never
 * their values: the URL often carries a secret in its path.
 *
 * @param token null when the webhook has no tokenEnv
 */
public record WebhookEndpoint(URI url, String token) {

  /** @throws BadEndpointException which variable is missing or malformed, and why */
  public static WebhookEndpoint read(WebhookConfig webhook, Function<String, String> environment) {
    String text = environment.apply(webhook.urlEnv());
    if (text == null || text.isBlank()) {
      throw new BadEndpointException("urlEnv", "environment variable " + webhook.urlEnv()
          + " is not set; set it to the webhook's http(s) URL in the worker's environment");
    }
    URI url;
    try {
      url = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new BadEndpointException("urlEnv", "environment variable " + webhook.urlEnv()
          + " does not hold a valid URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new BadEndpointException("urlEnv", "environment variable " + webhook.urlEnv()
          + " must hold an http:// or https:// URL");
    }
    if (url.getHost() == null || url.getHost().isEmpty() || url.getRawUserInfo() != null) {
      throw new BadEndpointException("urlEnv", "environment variable " + webhook.urlEnv()
          + " must hold a URL with a host and no user:password@ (put a token in tokenEnv)");
    }
    String token = null;
    if (webhook.tokenEnv() != null) {
      token = environment.apply(webhook.tokenEnv());
      if (token == null || token.isBlank()) {
        throw new BadEndpointException("tokenEnv", "environment variable " + webhook.tokenEnv()
            + " is not set; set it to the webhook's bearer token in the worker's environment");
      }
      token = token.strip();
      if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new BadEndpointException("tokenEnv", "environment variable " + webhook.tokenEnv()
            + " must hold a token of printable ASCII without spaces");
      }
    }
    return new WebhookEndpoint(url, token);
  }

  /** The endpoint's URL and token are its secrets: never printed. */
  @Override
  public String toString() {
    return "WebhookEndpoint[******]";
  }

  /** A webhook's variable that is unset or holds no usable value. */
  public static final class BadEndpointException extends IllegalArgumentException {

    private final String field;

    BadEndpointException(String field, String message) {
      super(message);
      this.field = field;
    }

    /** urlEnv or tokenEnv: the webhook's key whose variable is wrong. */
    public String field() {
      return field;
    }
  }
}
