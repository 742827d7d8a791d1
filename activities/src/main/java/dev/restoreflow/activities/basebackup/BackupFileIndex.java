package dev.restoreflow.activities.basebackup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.activities.archive.CorruptObjectException;
import dev.restoreflow.activities.archive.TarIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The file index of a backup as stored beside its tarball ({@code files.json}): the tar stream's
 * members, where each file's data starts, and each file's block hashes (little-endian XXH64, in
 * base64: {@link BlockHash}). Read back, it is untrusted like every other object of the repository: every field is
 * checked against the tarball's size before a delta restore uses it; paths are checked again
 * where they are written.
 */
final class BackupFileIndex {

  static final String OBJECT = "files.json";
  static final int VERSION = 1;
  /** 128 KiB: a changed page costs 16 pages of writing, and a 1 TB cluster's index is 64 MB. */
  static final int BLOCK_SIZE = 128 << 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Stored(int version, int blockSize, List<StoredMember> members) {}

  /** kind: f(ile), d(irectory), l(ink). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StoredMember(String path, String kind, int mode, Long size, Long offset, String link,
      String xxh64) {}

  private BackupFileIndex() {}

  static byte[] write(TarIndex index) throws IOException {
    List<StoredMember> members = new ArrayList<>();
    for (TarIndex.Member member : index.members()) {
      members.add(switch (member.kind()) {
        case FILE -> new StoredMember(member.path(), "f", member.mode(), member.size(),
            member.dataOffset(), null, encode(member.blocks()));
        case DIRECTORY -> new StoredMember(member.path(), "d", member.mode(), null, null, null,
            null);
        case SYMLINK -> new StoredMember(member.path(), "l", member.mode(), null, null,
            member.linkTarget(), null);
      });
    }
    return JSON.writeValueAsBytes(new Stored(VERSION, index.blockSize(), members));
  }

  /**
   * @param tarBytes the size of the tar stream the index describes
   * @throws CorruptObjectException when the index is not one restoreflow wrote for that stream
   */
  static TarIndex read(byte[] bytes, long tarBytes) throws IOException {
    Stored stored;
    try {
      stored = JSON.readValue(bytes, Stored.class);
    } catch (JsonProcessingException e) {
      throw corrupt("is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (stored == null || stored.version() != VERSION || stored.members() == null) {
      throw corrupt("is not a version " + VERSION + " file index");
    }
    int blockSize = stored.blockSize();
    if (blockSize < TarIndex.MIN_BLOCK || blockSize > TarIndex.MAX_BLOCK) {
      throw corrupt("has the block size " + blockSize);
    }
    List<TarIndex.Member> members = new ArrayList<>();
    long previousEnd = 0;
    for (StoredMember member : stored.members()) {
      if (member == null || member.path() == null || member.path().isEmpty()
          || member.kind() == null || member.mode() < 0 || member.mode() > 07777) {
        throw corrupt("has a member without a path, a kind or a valid mode");
      }
      String path = member.path();
      switch (member.kind()) {
        case "d" -> members.add(new TarIndex.Member(path, TarIndex.Kind.DIRECTORY, member.mode(),
            0, 0, null, null));
        case "l" -> {
          if (member.link() == null || member.link().isEmpty()) {
            throw corrupt("has the link " + path + " without a target");
          }
          members.add(new TarIndex.Member(path, TarIndex.Kind.SYMLINK, member.mode(), 0, 0,
              member.link(), null));
        }
        case "f" -> {
          long size = member.size() == null ? -1 : member.size();
          long offset = member.offset() == null ? -1 : member.offset();
          if (size < 0 || offset < previousEnd || offset % 512 != 0 || offset + size > tarBytes) {
            throw corrupt("places " + path + " (" + size + " bytes at " + offset
                + ") outside the " + tarBytes + " bytes of the tarball or out of order");
          }
          long[] blocks = decode(member.xxh64(), path);
          if (blocks.length != TarIndex.blocksOf(size, blockSize)) {
            throw corrupt("has " + blocks.length + " block hashes for " + path + " of "
                + size + " bytes");
          }
          members.add(new TarIndex.Member(path, TarIndex.Kind.FILE, member.mode(), size, offset,
              null, blocks));
          previousEnd = offset + size;
        }
        default -> throw corrupt("has a member of the unknown kind '" + member.kind() + "'");
      }
    }
    return new TarIndex(blockSize, members);
  }

  private static String encode(long[] blocks) {
    ByteBuffer bytes = ByteBuffer.allocate(blocks.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long hash : blocks) {
      bytes.putLong(hash);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  private static long[] decode(String text, String path) throws CorruptObjectException {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text == null ? "" : text);
    } catch (IllegalArgumentException e) {
      throw corrupt("has block hashes for " + path + " that are not base64");
    }
    if (raw.length % 8 != 0) {
      throw corrupt("has block hashes for " + path + " that are not whole");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    long[] blocks = new long[raw.length / 8];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = bytes.getLong();
    }
    return blocks;
  }

  private static CorruptObjectException corrupt(String what) {
    return new CorruptObjectException(OBJECT + " " + what + ": the index is corrupt");
  }
}
