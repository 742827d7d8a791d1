package dev.restoreflow.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {

  @TempDir
  Path root;

  @Test
  void discardUnfinishedDeletesThePartialFilesOfDeadWritesUnderThePrefixOnly() throws Exception {
    FileObjectStore store = new FileObjectStore(root);
    store.write("main1/backups/20261129T100000Z/base.tar", new ByteArrayInputStream(new byte[10]));
    // what a writer killed in the middle of write() leaves: its partial file, under the key's name
    Path dead = Files.createDirectories(root.resolve("main1/backups/20261129T110000Z"))
        .resolve("base.tar.partial-0b9e1c1e-1111-4b5e-9c1e-000000000001");
    Files.write(dead, new byte[1000]);
    Path elsewhere = Files.createDirectories(root.resolve("main1/wal"))
        .resolve("000000010000000000000001.partial-0b9e1c1e-1111-4b5e-9c1e-000000000002");
    Files.write(elsewhere, new byte[1000]);
    assertEquals(List.of(new StoredObject("main1/backups/20261129T100000Z/base.tar", 10)),
        store.list("main1/backups/"), "the listing does not show partial files");

    assertEquals(1, store.discardUnfinished("main1/backups/"));
    assertFalse(Files.exists(dead), "the dead write's partial file is gone");
    assertTrue(Files.exists(elsewhere), "a partial file outside the prefix stays");
    assertEquals(List.of(new StoredObject("main1/backups/20261129T100000Z/base.tar", 10)),
        store.list("main1/backups/"), "complete objects stay");
    assertEquals(0, store.discardUnfinished("main1/backups/"));
  }

  @Test
  void deletingTheLastObjectOfADirectoryRemovesTheDirectoryButNeverTheRoot() throws Exception {
    FileObjectStore store = new FileObjectStore(root);
    store.write("main1/pgdump/20261129T100000Z/dump.pgdump",
        new java.io.ByteArrayInputStream(new byte[3]));
    store.write("main1/pgdump/20261129T100000Z/meta.json",
        new java.io.ByteArrayInputStream(new byte[2]));
    store.write("main1/wal/000000010000000000000001",
        new java.io.ByteArrayInputStream(new byte[1]));
    store.delete("main1/pgdump/20261129T100000Z/meta.json");
    assertTrue(java.nio.file.Files.isDirectory(root.resolve("main1/pgdump/20261129T100000Z")));
    store.delete("main1/pgdump/20261129T100000Z/dump.pgdump");
    assertFalse(java.nio.file.Files.exists(root.resolve("main1/pgdump")));
    assertTrue(java.nio.file.Files.isDirectory(root.resolve("main1/wal")));
    store.delete("main1/wal/000000010000000000000001");
    assertFalse(java.nio.file.Files.exists(root.resolve("main1")));
    assertTrue(java.nio.file.Files.isDirectory(root));
  }
}
