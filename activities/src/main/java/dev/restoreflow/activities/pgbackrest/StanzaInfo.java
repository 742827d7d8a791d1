package dev.restoreflow.activities.pgbackrest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stanza as {@code pgbackrest info --output=json} describes it: its status, its backups oldest
 * first, and the WAL its archive holds.
 *
 * @param statusCode 0 ok, 1 missing stanza path, 2 no valid backups, 3 missing stanza data, 4
 *     different across repos, 5 database mismatch, 6 requested backup not found, 99 other
 * @param backupRunning whether a backup of the stanza holds its lock now
 * @param archiveMin, archiveMax the oldest and newest WAL segment in the archive (null = none)
 */
public record StanzaInfo(String stanza, int statusCode, String statusMessage,
    boolean backupRunning, List<BackupSet> backups, String archiveMin, String archiveMax) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static final int OK = 0;
  public static final int MISSING_STANZA_PATH = 1;
  public static final int NO_VALID_BACKUP = 2;
  public static final int MISSING_STANZA_DATA = 3;

  /** @throws IllegalArgumentException when the text is not pgBackRest's JSON of the stanza */
  public static StanzaInfo parse(String json, String stanza) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("pgbackrest info did not print JSON: " + e.getMessage(),
          e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("pgbackrest info printed no list of stanzas");
    }
    for (JsonNode s : root) {
      if (stanza.equals(s.path("name").asText())) {
        return of(s);
      }
    }
    throw new IllegalArgumentException("pgbackrest info does not list stanza '" + stanza + "'");
  }

  private static StanzaInfo of(JsonNode s) {
    List<BackupSet> backups = new ArrayList<>();
    for (JsonNode b : s.path("backup")) {
      List<String> references = new ArrayList<>();
      b.path("reference").forEach(r -> references.add(r.asText()));
      backups.add(new BackupSet(
          b.path("label").asText(),
          b.path("type").asText(),
          b.path("timestamp").path("start").asLong(0),
          b.path("timestamp").path("stop").asLong(0),
          text(b.path("archive").path("start")),
          text(b.path("archive").path("stop")),
          text(b.path("lsn").path("start")),
          text(b.path("lsn").path("stop")),
          b.path("info").path("size").asLong(0),
          b.path("info").path("delta").asLong(0),
          b.path("info").path("repository").path("size").asLong(0),
          b.path("info").path("repository").path("delta").asLong(0),
          text(b.path("prior")),
          List.copyOf(references),
          b.path("error").asBoolean(false)));
    }
    backups.sort(java.util.Comparator.comparingLong(BackupSet::startTime)
        .thenComparing(BackupSet::label));
    String min = null;
    String max = null;
    for (JsonNode a : s.path("archive")) {
      String aMin = text(a.path("min"));
      String aMax = text(a.path("max"));
      min = aMin != null && (min == null || aMin.compareTo(min) < 0) ? aMin : min;
      max = aMax != null && (max == null || aMax.compareTo(max) > 0) ? aMax : max;
    }
    JsonNode status = s.path("status");
    return new StanzaInfo(s.path("name").asText(), status.path("code").asInt(99),
        status.path("message").asText(""),
        status.path("lock").path("backup").path("held").asBoolean(false), List.copyOf(backups),
        min, max);
  }

  public Optional<BackupSet> backup(String label) {
    return backups.stream().filter(b -> b.label().equals(label)).findFirst();
  }

  /**
   * The backups {@code backup} needs, from its full backup to itself (following prior); empty
   * when one of them is missing from the repository.
   */
  public Optional<List<BackupSet>> chain(BackupSet backup) {
    List<BackupSet> chain = new ArrayList<>();
    BackupSet current = backup;
    while (current != null) {
      if (chain.contains(current)) {
        return Optional.empty();
      }
      chain.add(0, current);
      if (current.prior() == null) {
        return Optional.of(chain);
      }
      current = backup(current.prior()).orElse(null);
    }
    return Optional.empty();
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }
}
