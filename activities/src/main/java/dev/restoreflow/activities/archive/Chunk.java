package dev.restoreflow.activities.archive;

/**
 * A restart point of a tarball: an independent gzip member / zstd frame / lz4 frame starts at
 * {@code storedOffset} of the object and holds the tar stream from {@code tarOffset} on. A
 * restore can begin decompressing at any chunk, so a retried FetchS3 goes on where it stopped.
 */
public record Chunk(long storedOffset, long tarOffset) {}
