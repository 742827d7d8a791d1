package dev.restoreflow.activities.config;

/**
 * Where clones and drills of an instance restore ({@code instances.N.scratch}): a directory that
 * holds their scratch data directories, and the port a scratch cluster listens on.
 *
 * @param root absolute directory owned by the instance's OS user, on the instance's host; never
 *     inside or above a configured data directory
 * @param port the scratch cluster's port (127.0.0.1); null = the instance's port + 1
 * @param database logical engines (pgdump, mysqltables): the scratch database's name; null =
 *     {@code <database>_drill}
 */
public record ScratchConfig(String root, Integer port, String database) {}
