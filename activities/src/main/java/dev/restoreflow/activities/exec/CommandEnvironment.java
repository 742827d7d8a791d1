package dev.restoreflow.activities.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The environment of a local command: a fixed PATH, the worker's locale (messages untranslated)
 * and time zone, who the
 * command runs as, and the command's own {@link Command#environment()} — never the rest of the
 * worker's environment, which holds secrets (S3 keys, the SSH key passphrase, the gateway token)
 * that a postmaster started by {@code pg_ctl} would keep and show any database superuser
 * ({@code COPY ... FROM PROGRAM 'env'}).
 */
public final class CommandEnvironment {

  /** Where commands are looked up: the system directories only. */
  public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final Set<String> LOCALE = Set.of("LANG", "LANGUAGE", "TZ");
  /** runuser sets these for the user it switches to; a command run as the worker gets its own. */
  private static final Set<String> IDENTITY = Set.of("HOME", "USER", "LOGNAME");

  private CommandEnvironment() {}

  /**
   * @param worker the worker's own environment (System.getenv())
   * @param switchesUser true when the command runs through runuser as another user
   */
  public static Map<String, String> of(Map<String, String> worker, Command command,
      boolean switchesUser) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", PATH);
    worker.forEach((name, value) -> {
      if (LOCALE.contains(name) || (name.startsWith("LC_") && !name.equals("LC_ALL"))
          || (!switchesUser && IDENTITY.contains(name))) {
        env.put(name, value);
      }
    });
    // LC_ALL would override LC_MESSAGES below: its choice holds for the rest through LANG
    if (worker.containsKey("LC_ALL")) {
      env.put("LANG", worker.get("LC_ALL"));
    }
    // restoreflow reads what the tools say (pg_probackup's errors, "No space left on device"),
    // so their messages are the untranslated ones
    env.put("LC_MESSAGES", "C");
    env.putAll(command.environment());
    return env;
  }
}
