package dev.restoreflow.activities.storage;

/** An object in a repository: its key (relative to the repository root) and size in bytes. */
public record StoredObject(String key, long size) {}
