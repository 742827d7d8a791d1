package dev.restoreflow.activities.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.exec.CommandRunner;
import dev.restoreflow.activities.exec.LocalCommandRunner;
import dev.restoreflow.activities.exec.OsUser;
import dev.restoreflow.activities.exec.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WipeData's find and ls on real directories, through the real local runner. The one thing not
 * real is the cluster's state: pg_ctl is a stand-in that says "not running" (exit 3).
 */
class DataWiperTest {

  @TempDir
  Path dir;
  private final CommandRunner runner = new LocalCommandRunner(Redactor.NONE);
  private Path realData;
  private Path tablespace;

  @BeforeEach
  void dataDirectoryWithATablespaceLink() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("pg_ctl"), "#!/bin/sh\necho 'pg_ctl: no server running'\nexit 3\n");
    Files.setPosixFilePermissions(bin.resolve("pg_ctl"), PosixFilePermissions.fromString("rwxr-xr-x"));
    tablespace = Files.createDirectories(dir.resolve("tablespace/PG_15"));
    Files.writeString(tablespace.resolve("16390"), "a relation in a tablespace");
    realData = Files.createDirectories(dir.resolve("data/main"));
    Files.writeString(realData.resolve("PG_VERSION"), "15\n");
    Files.createDirectories(realData.resolve("base/1"));
    Files.writeString(realData.resolve("base/1/1259"), "pg_class");
    Files.createDirectories(realData.resolve("pg_tblspc"));
    Files.createSymbolicLink(realData.resolve("pg_tblspc/16385"), tablespace.getParent());
  }

  @Test
  void aPgdataThatIsASymbolicLinkIsRefusedAndNothingBehindItIsDeleted() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("data/current"), realData);
    List<String> before = tree(realData);

    WipeRefusedException e = assertThrows(WipeRefusedException.class,
        () -> wiper(link, currentUser()).wipe(link.toString(), DataWiperTest::neverMarked));

    assertTrue(e.getMessage().contains("refusing to wipe " + link + ": it is a symbolic link to "
        + realData), e.getMessage());
    assertTrue(e.getMessage().contains("set the instance's pgdata to the data directory itself"),
        e.getMessage());
    assertEquals(before, tree(realData), "nothing deleted behind the link");
  }

  @Test
  void aWipeThroughALinkedParentReportsWhatFindReallyRemoved() throws IOException {
    Path viaLinkedParent = Files.createSymbolicLink(dir.resolve("linked"), realData.getParent())
        .resolve(realData.getFileName());

    List<List<String>> treeWhenMarked = new java.util.ArrayList<>();
    String done = wiper(viaLinkedParent, currentUser()).wipe(viaLinkedParent.toString(),
        () -> treeWhenMarked.add(treeUnchecked(realData)));

    assertEquals(1, treeWhenMarked.size(), "marked once");
    assertEquals(6, treeWhenMarked.get(0).size(), "marked before anything was deleted");

    assertEquals("removed 6 entries (3 directories, 2 files, 1 symbolic links) from "
        + viaLinkedParent, done);
    assertEquals(List.of(), tree(realData));
    assertEquals("a relation in a tablespace", Files.readString(tablespace.resolve("16390")),
        "a link's target is never touched");
  }

  @Test
  void entriesLeftAfterTheDeleteFailTheWipeAsIncompleteNotRefused() throws IOException {
    // the instance's OS user may not write into base/1: find cannot delete its entries
    String user = OsUser.isRoot() ? "nobody" : currentUser();
    if (OsUser.isRoot()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(user);
      try (Stream<Path> all = Files.walk(realData)) {
        for (Path p : all.toList()) {
          Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .setOwner(nobody);
        }
      }
    }
    Path locked = realData.resolve("base/1");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      WipeIncompleteException e = assertThrows(WipeIncompleteException.class,
          () -> wiper(realData, user).wipe(realData.toString(), () -> { }));
      assertTrue(e.getMessage().startsWith("WipeData could not empty " + realData
          + ": 1 entries are left (base) after find exited 1: "), e.getMessage());
      assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
      assertTrue(e.getMessage().endsWith("the data directory is partly wiped: make everything in"
          + " it removable by " + user + ", then run a full restore"), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void withRoomTheOldEntriesAreRenamedIntoTheJobsSiblingAndDiscardedLater() throws IOException {
    List<String> before = tree(realData);
    Path aside = realData.resolveSibling(".main.restoreflow-old-j7");
    List<List<String>> treeWhenMarked = new java.util.ArrayList<>();

    String done = wiper(realData, currentUser()).wipe(realData.toString(),
        () -> treeWhenMarked.add(treeUnchecked(realData)), "j7", 1000L);

    assertEquals(List.of(before), treeWhenMarked, "marked once, before anything moved");
    assertTrue(done.startsWith("moved 3 entries aside to " + aside), done);
    assertEquals(List.of(), tree(realData), "the data directory is empty");
    assertEquals(before, tree(aside), "everything is in the aside directory, links as links");
    assertTrue(Files.isSymbolicLink(aside.resolve("pg_tblspc/16385")));
    assertEquals("a relation in a tablespace", Files.readString(tablespace.resolve("16390")));

    assertEquals("deleted the old data in " + aside,
        wiper(realData, currentUser()).discard(realData.toString(), "j7"));
    assertFalse(Files.exists(aside, LinkOption.NOFOLLOW_LINKS));
    assertEquals("a relation in a tablespace", Files.readString(tablespace.resolve("16390")),
        "a link's target is never touched");
    assertEquals("nothing kept aside",
        wiper(realData, currentUser()).discard(realData.toString(), "j7"), "idempotent");
  }

  @Test
  void aRetriedWipeFinishesAMoveThatWasCutShort() throws IOException {
    // the worker died after mv had moved base and PG_VERSION, before pg_tblspc
    Path aside = Files.createDirectories(realData.resolveSibling(".main.restoreflow-old-j8"));
    Files.move(realData.resolve("base"), aside.resolve("base"));
    Files.move(realData.resolve("PG_VERSION"), aside.resolve("PG_VERSION"));

    String done = wiper(realData, currentUser()).wipe(realData.toString(), () -> { }, "j8",
        Long.MAX_VALUE / 4);

    assertTrue(done.startsWith("moved 1 entries aside to " + aside), done
        + " (a begun move is finished even though the room is no longer checked)");
    assertEquals(List.of(), tree(realData));
    assertEquals(List.of("PG_VERSION", "base", "base/1", "base/1/1259", "pg_tblspc",
        "pg_tblspc/16385"), tree(aside));
    assertTrue(wiper(realData, currentUser()).wipe(realData.toString(), () -> { }, "j8", 1L)
        .startsWith("already moved aside to " + aside));
  }

  @Test
  void withoutRoomTheOldDataIsDeletedAsBefore() throws IOException {
    String done = wiper(realData, currentUser()).wipe(realData.toString(), () -> { }, "j9",
        Long.MAX_VALUE / 4);
    assertTrue(done.startsWith("removed 6 entries (3 directories, 2 files, 1 symbolic links) from "
        + realData + " (not moved aside: no room for the restore beside the old data ("), done);
    assertEquals(List.of(), tree(realData));
    assertFalse(Files.exists(realData.resolveSibling(".main.restoreflow-old-j9")));
  }

  @Test
  void theOldDataOfEarlierJobsIsDeletedAndNothingElseBesideIt() throws IOException {
    Path earlier = Files.createDirectories(realData.resolveSibling(".main.restoreflow-old-j1/base"))
        .getParent();
    Files.writeString(earlier.resolve("base/x"), "old");
    Path otherCluster = Files.createDirectories(
        realData.resolveSibling(".other.restoreflow-old-j1"));
    Path unrelated = Files.writeString(realData.resolveSibling("main.conf"), "keep");

    String done = wiper(realData, currentUser()).wipe(realData.toString(), () -> { }, "j2",
        1000L);

    assertTrue(done.endsWith("; deleted old data left aside by earlier jobs:"
        + " .main.restoreflow-old-j1"), done);
    assertFalse(Files.exists(earlier));
    assertTrue(Files.isDirectory(otherCluster), "another data directory's is not this one's");
    assertEquals("keep", Files.readString(unrelated));
    assertTrue(Files.isDirectory(realData.resolveSibling(".main.restoreflow-old-j2")));
  }

  @Test
  void anAsideNameThatIsALinkIsNeverWrittenThrough() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(realData.resolveSibling(".main.restoreflow-old-j5"), elsewhere);
    List<String> before = tree(realData);

    String done = wiper(realData, currentUser()).wipe(realData.toString(), () -> { }, "j5",
        1000L);

    assertTrue(done.contains("(not moved aside: "), done);
    assertEquals(List.of(), tree(elsewhere), "nothing went through the link");
    assertEquals(List.of(), tree(realData));
    assertEquals(6, before.size());
  }

  @Test
  void theRoomRuleAndTheNames() {
    assertEquals(java.util.Optional.empty(), OldData.whyNotAside("j1", 1000L, OldData.roomNeeded(1000L)));
    assertTrue(OldData.whyNotAside("j1", 1000L, OldData.roomNeeded(1000L) - 1).isPresent());
    assertEquals(1100L + OldData.ROOM_MARGIN_BYTES, OldData.roomNeeded(1000L));
    assertEquals("the size of the restore is not known",
        OldData.whyNotAside("j1", null, Long.MAX_VALUE).get());
    assertTrue(OldData.whyNotAside("../x", 1L, Long.MAX_VALUE).isPresent());
    assertTrue(OldData.whyNotAside("a/b", 1L, Long.MAX_VALUE).isPresent());
    assertEquals(Path.of("/var/lib/pg/.main.restoreflow-old-j1"),
        OldData.asideOf(Path.of("/var/lib/pg/main"), "j1"));
    assertTrue(OldData.isAsideName(Path.of("/d/main"), ".main.restoreflow-old-j1"));
    assertFalse(OldData.isAsideName(Path.of("/d/main"), ".main.restoreflow-old-"));
    assertFalse(OldData.isAsideName(Path.of("/d/main"), ".main2.restoreflow-old-j1"));
    assertFalse(OldData.isAsideName(Path.of("/d/main"), "main"));
    assertEquals(List.of("mv", "-n", "-t", "/d/.a", "--", "/d/main/base", "/d/main/-x"),
        OldData.moveInto("/d/main", "/d/.a", List.of("base", "-x")));
  }

  @Test
  void theLookSeesADataDirectoryOnItsOwnFileSystemAndOnlyThisOnesAsideDirectories() {
    String out = String.join("\n",
        "/d\t0\td\t2049\td\t",
        "/d\t1\td\t2050\tmain\t",
        "/d\t1\td\t2049\t.main.restoreflow-old-j1\t",
        "/d\t1\tl\t2049\t.main.restoreflow-old-j2\t/elsewhere",
        "/d\t1\td\t2049\t.main2.restoreflow-old-j1\t",
        "/d\t1\td\t2049\tmain.conf\t",
        "/d/main\t0\td\t2050\tmain\t",
        "/d/main\t1\tf\t2050\tPG_VERSION\t",
        "/d/main\t1\tl\t2050\tpg_wal\t/wal/main", "");
    OldData.Look look = OldData.Look.parse(Path.of("/d/main"), out).orElseThrow();
    assertEquals("d", look.pgdataKind());
    assertEquals("2050", look.pgdataDevice());
    assertEquals("2049", look.parentDevice(), "a mount point: WipeData deletes instead");
    assertEquals(List.of("PG_VERSION", "pg_wal"), look.entries());
    assertEquals(java.util.Map.of(".main.restoreflow-old-j1", "d", ".main.restoreflow-old-j2",
        "l"), look.asides());
    assertTrue(OldData.Look.parse(Path.of("/d/other"), out).isEmpty(), "pgdata not seen");
  }

  private DataWiper wiper(Path pgdata, String osUser) {
    InstanceConfig instance = new InstanceConfig("probackup", "local", pgdata.toString(), null,
        null, 5432, osUser, dir.resolve("bin").toString(), null, "127.0.0.1", "postgres",
        osUser, List.of(), false, true, 60, 60, null, null);
    return new DataWiper(runner, instance, new ClusterControl(runner, instance));
  }

  private static void neverMarked() {
    throw new AssertionError("marked as being restored although the wipe was refused");
  }

  private static List<String> treeUnchecked(Path root) {
    try {
      return tree(root);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String currentUser() {
    return System.getProperty("user.name");
  }

  /** Every path below {@code root}, links not followed. */
  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted()
          .toList();
    }
  }
}
