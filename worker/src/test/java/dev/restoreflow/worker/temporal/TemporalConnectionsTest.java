package dev.restoreflow.worker.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.config.TemporalConfig;
import io.grpc.Metadata;
import io.grpc.Status;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stubs' options a config gives, the API key's sources, and failures told in one line. */
class TemporalConnectionsTest {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path dir;

  private static List<String> authorizations(WorkflowServiceStubsOptions options) {
    if (options.getGrpcMetadataProviders() == null) {
      return List.of();
    }
    return options.getGrpcMetadataProviders().stream().map(GrpcMetadataProvider::getMetadata)
        .map(m -> m.get(AUTHORIZATION)).toList();
  }

  @Test
  void plaintextWithoutKeyIsWhatTheDevServerGets() {
    WorkflowServiceStubsOptions options = TemporalConnections.options(
        new TemporalConfig("127.0.0.1:7233", "default"), null, Map.of());
    assertNull(options.getSslContext());
    assertFalse(options.getEnableHttps());
    assertTrue(authorizations(options).isEmpty());
  }

  @Test
  void theApiKeyFromTheEnvironmentIsSentAsABearerTokenOverTls() {
    TemporalConfig config = new TemporalConfig("temporal.example.com:7233", "restoreflow",
        new TemporalConfig.Tls(null, null, null, "temporal.internal"), "TEMPORAL_API_KEY", null,
        null);
    WorkflowServiceStubsOptions options = TemporalConnections.options(config, null,
        Map.of("TEMPORAL_API_KEY", " k-123\n"));
    assertNotNull(options.getSslContext());
    assertNotNull(options.getChannelInitializer(), "the server name overrides the authority");
    assertEquals(List.of("Bearer k-123"), authorizations(options));
  }

  @Test
  void theApiKeyFromAFile() throws IOException {
    Path file = Files.writeString(dir.resolve("key"), "file-key\n");
    TemporalConfig config = new TemporalConfig("127.0.0.1:7233", "default", null, null,
        file.toString(), true);
    WorkflowServiceStubsOptions options = TemporalConnections.options(config, null, Map.of());
    assertEquals(List.of("Bearer file-key"), authorizations(options));
    assertFalse(options.getEnableHttps(), "plaintext, as allowApiKeyWithoutTls says");
  }

  @Test
  void aMissingOrBadKeyIsNamedByItsConfigKeyWithoutItsValue() throws IOException {
    TemporalConfig env = new TemporalConfig("h:7233", "default",
        new TemporalConfig.Tls(null, null, null, null), "TEMPORAL_API_KEY", null, null);
    ConfigException unset = assertThrows(ConfigException.class,
        () -> TemporalApiKey.read(env, Map.of()));
    assertEquals("temporal.apiKeyEnv", unset.key());
    assertTrue(unset.getMessage().contains("TEMPORAL_API_KEY is not set"), unset.getMessage());
    ConfigException twoLines = assertThrows(ConfigException.class,
        () -> TemporalApiKey.read(env, Map.of("TEMPORAL_API_KEY", "secret-one\nsecret-two")));
    assertFalse(twoLines.getMessage().contains("secret"), twoLines.getMessage());

    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    ConfigException emptyFile = assertThrows(ConfigException.class, () -> TemporalApiKey.read(
        new TemporalConfig("h:7233", "default", null, null, empty.toString(), true), Map.of()));
    assertEquals("temporal.apiKeyFile", emptyFile.key());
    assertTrue(emptyFile.getMessage().contains("is empty"), emptyFile.getMessage());
  }

  @Test
  void theEmbeddedServerOfDevIsConnectedToAsBefore() {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0)) {
      TemporalConnections.connect(new TemporalConfig(server.target(), "default"), null)
          .shutdownNow();
    }
  }

  @Test
  void aServerThatIsNotThereIsOneLineSayingToStartOne() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TemporalConnections.connect(new TemporalConfig("127.0.0.1:1", "default"), null));
    assertTrue(e.getMessage().startsWith("cannot reach the Temporal server at 127.0.0.1:1 ("),
        e.getMessage());
    assertTrue(e.getMessage().contains("start one (e.g. `./restoreflow dev`) or fix"
        + " temporal.target"), e.getMessage());
  }

  @Test
  void failuresAreOneLineNamingWhatToCheck() {
    TemporalConfig config = new TemporalConfig("temporal.example.com:7233", "restoreflow",
        new TemporalConfig.Tls(null, null, null, null), "TEMPORAL_API_KEY", null, null);
    String missing = TemporalConnections.explain(config, Status.NOT_FOUND
        .withDescription("Namespace restoreflow is not found.").asRuntimeException());
    assertTrue(missing.contains("has no namespace 'restoreflow'")
        && missing.contains("temporal.namespace"), missing);
    String refused = TemporalConnections.explain(config, Status.UNAUTHENTICATED
        .withDescription("invalid API key").asRuntimeException());
    assertTrue(refused.contains("check the API key (temporal.apiKeyEnv"), refused);
    String down = TemporalConnections.explain(config, Status.UNAVAILABLE
        .withDescription("io exception").asRuntimeException());
    assertTrue(down.contains("does it speak TLS on that port? Check temporal.target and"
        + " temporal.tls"), down);
    for (String line : List.of(missing, refused, down)) {
      assertFalse(line.contains("\n"), line);
    }
  }
}
