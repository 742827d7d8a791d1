package dev.restoreflow.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a clone or a drill restores instead of over the instance itself: a scratch target on the
 * instance's host. For an engine with a data directory, {@code directory} and {@code port} (a new
 * cluster beside the instance's); for a logical engine (pgdump, mysqltables), {@code database} in
 * the instance's own server. The request may leave everything null: the resolver fills in the
 * instance's configured scratch place ({@code instances.N.scratch}). Paths always lie under the
 * configured scratch root, never on a configured data directory.
 *
 * @param directory the scratch data directory (absolute, under the scratch root)
 * @param port the port the scratch cluster listens on (127.0.0.1 and its own socket directory)
 * @param database the scratch database of a logical engine
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreInto(String directory, Integer port, String database) {

  /** Resolve everything from the instance's scratch config. */
  public static RestoreInto anywhere() {
    return new RestoreInto(null, null, null);
  }
}
