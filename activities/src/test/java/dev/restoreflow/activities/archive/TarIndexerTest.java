package dev.restoreflow.activities.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TarIndexerTest {

  @Test
  void everyMemberIsIndexedWithItsDataOffsetAndBlockChecksums() throws Exception {
    byte[] big = new byte[3 * 4096 + 100];
    new Random(1).nextBytes(big);
    byte[] tar = new TestTar().directory("./").directory("./base/").file("./PG_VERSION", "15\n")
        .file("./base/1234", big).file("./empty", new byte[0]).symlink("./link", "base")
        .bytes();
    TarIndex index = index(tar, 1000);

    List<String> paths = index.members().stream().map(TarIndex.Member::path).toList();
    assertEquals(List.of("base", "PG_VERSION", "base/1234", "empty", "link"), paths);
    TarIndex.Member file = index.members().get(2);
    assertEquals(TarIndex.Kind.FILE, file.kind());
    assertEquals(big.length, file.size());
    assertArrayEquals(big, Arrays.copyOfRange(tar, (int) file.dataOffset(),
        (int) file.dataOffset() + big.length), "the offset is where the file's bytes are");
    assertEquals(4, file.blockCount());
    for (int b = 0; b < 4; b++) {
      int length = TarIndex.blockLength(big.length, 4096, b);
      assertEquals(BlockHash.of(big, b * 4096, length), file.blocks()[b], "block " + b);
    }
    assertEquals(0600, file.mode());
    assertEquals(0, index.members().get(3).blockCount());
    assertEquals("base", index.members().get(4).linkTarget());
    assertEquals(TarIndex.Kind.DIRECTORY, index.members().get(0).kind());
  }

  @Test
  void piecesOfAnySizeGiveTheSameIndex() throws Exception {
    byte[] big = new byte[50_000];
    new Random(2).nextBytes(big);
    byte[] tar = new TestTar().file("a", big).file("b", "x").bytes();
    TarIndex one = index(tar, tar.length);
    TarIndex small = index(tar, 333);
    assertEquals(one.members().size(), small.members().size());
    for (int i = 0; i < one.members().size(); i++) {
      assertEquals(one.members().get(i).dataOffset(), small.members().get(i).dataOffset());
      assertArrayEquals(one.members().get(i).blocks(), small.members().get(i).blocks());
    }
  }

  @Test
  void aStreamThatIsNotTarGivesNoIndexAndDoesNotHoldTheBackupUp() throws Exception {
    byte[] garbage = new byte[5_000_000];
    new Random(3).nextBytes(garbage);
    try (TarIndexer indexer = new TarIndexer(4096)) {
      for (int at = 0; at < garbage.length; at += 100_000) {
        indexer.accept(Arrays.copyOfRange(garbage, at, Math.min(garbage.length, at + 100_000)));
      }
      assertTrue(indexer.finish().isEmpty());
    }
  }

  private static TarIndex index(byte[] tar, int pieceSize) throws Exception {
    try (TarIndexer indexer = new TarIndexer(4096)) {
      for (int at = 0; at < tar.length; at += pieceSize) {
        indexer.accept(Arrays.copyOfRange(tar, at, Math.min(tar.length, at + pieceSize)));
      }
      Optional<TarIndex> index = indexer.finish();
      assertTrue(index.isPresent());
      return index.get();
    }
  }
}
