package dev.restoreflow.activities.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted tarballs against a real directory: no member may write outside the data directory or
 * through a link. The data directory is seven levels below the test's directory, so that a link
 * climbing out of it ({@code ../../../../../../..}) still lands where the test can look.
 */
class TarExtractorTest {

  @TempDir
  Path dir;
  private Path pgdata;
  private List<String> outsideBefore;

  @BeforeEach
  void deepDataDirectory() throws IOException {
    pgdata = Files.createDirectories(dir.resolve("o1/o2/o3/o4/o5/o6/pgdata"));
    Files.createDirectories(dir.resolve("o1/o2/o3/o4/o5/o6/sibling"));
    Files.writeString(dir.resolve("o1/o2/o3/o4/o5/o6/sibling/keep"), "a sibling of pgdata");
    outsideBefore = outside();
  }

  @Test
  void aChainOfLinksThatNormalizesBackInsideIsRefusedAndNothingLandsOutside() throws IOException {
    TestTar tar = new TestTar()
        .symlink("l1", ".")
        .symlink("l1/l1/l1/l1/l1/l1/sub/l2", "../../../../../../..")
        .file("sub/l2/x/evil", "written above the data directory");
    UnsafePathException e = assertRefused(tar);
    assertTrue(e.getMessage().startsWith("tar member 'l1': links to '.'"), e.getMessage());
  }

  @Test
  void aFileThroughALinkTheArchiveMadeIsRefused() throws IOException {
    TestTar tar = new TestTar()
        .directory("base/")
        .symlink("through", "base")
        .file("through/evil", "written through a link");
    UnsafePathException e = assertRefused(tar);
    assertTrue(e.getMessage().startsWith("tar member 'through/evil': 'through' in " + pgdata
        + " is a symbolic link (to base)"), e.getMessage());
    assertFalse(Files.exists(pgdata.resolve("base/evil")));

    TestTar overALink = new TestTar()
        .directory("base/")
        .file("base/target", "")
        .symlink("PG_VERSION", "base/target")
        .file("PG_VERSION", "written through the link at the file's own name");
    e = assertRefused(overALink);
    assertTrue(e.getMessage().startsWith("tar member 'PG_VERSION': 'PG_VERSION' in " + pgdata
        + " is a symbolic link (to base/target)"), e.getMessage());
    assertEquals("", Files.readString(pgdata.resolve("base/target")));
  }

  @Test
  void aLinkToAnAbsolutePathIsRefusedAsATablespace() throws IOException {
    TestTar tar = new TestTar()
        .directory("pg_tblspc/")
        .symlink("pg_tblspc/16385", dir.resolve("o1").toString())
        .file("pg_tblspc/16385/evil", "written into the tablespace's directory");
    UnsafePathException e = assertRefused(tar);
    assertTrue(e.getMessage().contains("tar member 'pg_tblspc/16385': links to the absolute path "
        + dir.resolve("o1")), e.getMessage());
    assertTrue(e.getMessage().contains("tablespaces are not supported"), e.getMessage());
  }

  @Test
  void aLinkOverADirectoryAlreadyWrittenIsRefused() throws IOException {
    TestTar tar = new TestTar()
        .directory("sub/")
        .directory("other/")
        .symlink("sub", "other")
        .file("sub/evil", "written through the link that replaced a directory");
    UnsafePathException e = assertRefused(tar);
    assertTrue(e.getMessage().startsWith("tar member 'sub': would replace the directory 'sub'"),
        e.getMessage());
    assertTrue(Files.isDirectory(pgdata.resolve("sub"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(pgdata.resolve("other/evil")));
  }

  @Test
  void linksOutOrThroughLinksAndOtherOddMembersAreRefused() throws IOException {
    List<TestTar> refused = List.of(
        new TestTar().symlink("up", ".."),
        new TestTar().symlink("base/up", "../../o6"),
        new TestTar().symlink("a", "b/../c"),
        new TestTar().directory("real/").symlink("l", "real").symlink("m", "l/x"),
        new TestTar().file("../evil", "up"),
        new TestTar().file("/evil", "absolute"),
        new TestTar().file("PG_VERSION", "15\n").hardLink("copy", "PG_VERSION"),
        new TestTar().directory("d/").file("d", "a file over a directory"),
        new TestTar().file("f", "").file("f/g", "below a file"));
    for (TestTar tar : refused) {
      assertRefused(tar);
    }
  }

  @Test
  void plainMembersAndALinkInsideExtractTwiceAsARetryWould() throws IOException {
    TestTar tar = new TestTar()
        .file("PG_VERSION", "15\n")
        .file("base/1/1259", "relation")
        .directory("pg_wal/")
        .directory("pg_wal_elsewhere/")
        .symlink("pg_wal/archive", "../pg_wal_elsewhere");
    extract(tar);
    extract(tar);
    assertEquals("relation", Files.readString(pgdata.resolve("base/1/1259")));
    assertEquals(Path.of("../pg_wal_elsewhere"),
        Files.readSymbolicLink(pgdata.resolve("pg_wal/archive")));
    assertEquals(outsideBefore, outside());
  }

  /** The extraction fails on a refusal, and first of all: nothing appeared outside pgdata. */
  private UnsafePathException assertRefused(TestTar tar) throws IOException {
    IOException failure = null;
    try {
      extract(tar);
    } catch (IOException e) {
      failure = e;
    }
    assertEquals(outsideBefore, outside(), "nothing written outside " + pgdata);
    return assertInstanceOf(UnsafePathException.class, failure, "the archive is refused");
  }

  private void extract(TestTar tar) throws IOException {
    new TarExtractor(new ConfinedDirectory(pgdata, null, null)).extract(
        new TarReader(new ByteArrayInputStream(tar.bytes())), null, 0, List.of(), position -> { });
  }

  /** Every path under the test's directory but outside pgdata, links not followed. */
  private List<String> outside() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> !p.startsWith(pgdata)).map(p -> dir.relativize(p).toString())
          .sorted().toList();
    }
  }
}
