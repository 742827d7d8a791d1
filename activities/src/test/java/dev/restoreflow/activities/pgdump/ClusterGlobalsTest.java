package dev.restoreflow.activities.pgdump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A globals file from a repository is untrusted: what would not be a name or a setting fails. */
class ClusterGlobalsTest {

  private static final String ROLE = "{\"name\": \"%s\", \"login\": true, \"connectionLimit\": 7,"
      + " \"password\": \"SCRAM-SHA-256$4096:x\"}";

  private static String globals(String role, String setting) {
    return "{\"roles\": [" + ROLE.formatted(role) + "], \"memberships\": [], \"settings\": ["
        + "{\"role\": \"reader\", \"database\": null, \"config\": [\"" + setting + "\"]}],"
        + " \"databases\": [{\"name\": \"shop\", \"owner\": \"app\", \"encoding\": \"UTF8\","
        + " \"collate\": \"C\", \"ctype\": \"C\"}], \"passwords\": true}";
  }

  private static ClusterGlobals parse(String json) throws IOException {
    return ClusterGlobals.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aWellFormedFileParsesAndItsRoleAttributesBecomeSql() throws IOException {
    ClusterGlobals parsed = parse(globals("app owner \\\"x\\\"", "search_path=a, b"));
    assertEquals("app owner \"x\"", parsed.roles().get(0).name());
    assertEquals("NOSUPERUSER NOINHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS"
        + " CONNECTION LIMIT 7 PASSWORD 'SCRAM-SHA-256$4096:x'",
        parsed.roles().get(0).attributes(true, null));
    assertEquals(List.of("search_path=a, b"), parsed.settingsOf("reader", null));
  }

  @Test
  void aSettingNameThatWouldBeSqlIsRefused() {
    IOException e = assertThrows(IOException.class,
        () -> parse(globals("app", "work_mem = 1; drop table x; --=1")));
    assertTrue(e.getMessage().contains("not name=value"), e.getMessage());
  }

  @Test
  void controlCharactersAndOverlongNamesAreRefused() {
    assertThrows(IOException.class, () -> parse(globals("a\\u0000b", "work_mem=1")));
    assertThrows(IOException.class, () -> parse(globals("a\\nb", "work_mem=1")));
    assertThrows(IOException.class, () -> parse(globals("r".repeat(64), "work_mem=1")));
  }

  @Test
  void aFileThatIsNotGlobalsIsRefused() {
    assertThrows(IOException.class, () -> parse("[1, 2]"));
    assertThrows(IOException.class, () -> parse("{\"roles\": []}"));
  }
}
