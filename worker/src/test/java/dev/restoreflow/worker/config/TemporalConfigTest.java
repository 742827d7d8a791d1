package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config's {@code temporal} section: TLS files, namespace, API key, refusals by key. */
class TemporalConfigTest {

  @TempDir
  static Path dir;
  static Path ca;
  static Path cert;
  static Path key;
  static Path otherKey;

  @BeforeAll
  static void certificates() throws Exception {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ca");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "client-key.pem", "-out", "client.pem", "-days", "2", "-subj", "/CN=client");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
        "other-key.pem");
    ca = dir.resolve("ca.pem");
    cert = dir.resolve("client.pem");
    key = dir.resolve("client-key.pem");
    otherKey = dir.resolve("other-key.pem");
  }

  private static String config(String temporal) {
    return ConfigLoaderTest.GOOD.replace("\"temporal\": {\"target\": \"127.0.0.1:7233\"}",
        "\"temporal\": " + temporal);
  }

  private static String tls(Object caFile, Object certFile, Object keyFile, String extra) {
    List<String> keys = new ArrayList<>();
    if (caFile != null) {
      keys.add("\"caFile\": \"" + caFile + "\"");
    }
    if (certFile != null) {
      keys.add("\"certFile\": \"" + certFile + "\"");
    }
    if (keyFile != null) {
      keys.add("\"keyFile\": \"" + keyFile + "\"");
    }
    if (extra != null) {
      keys.add(extra);
    }
    return config("{\"target\": \"temporal.example.com:7233\", \"namespace\": \"restoreflow\","
        + " \"tls\": {" + String.join(", ", keys) + "}}");
  }

  private static void refused(String text, String key, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(text));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void mutualTlsWithServerNameAndNamespaceLoads() {
    TemporalConfig t = ConfigLoader.parse(tls(ca, cert, key,
        "\"serverName\": \"temporal.internal\"")).temporal();
    assertEquals("temporal.example.com:7233", t.target());
    assertEquals("restoreflow", t.namespace());
    assertEquals(new TemporalConfig.Tls(ca.toString(), cert.toString(), key.toString(),
        "temporal.internal"), t.tls());
  }

  @Test
  void anEmptyTlsSectionIsTlsWithTheJvmsCas() {
    TemporalConfig t = ConfigLoader.parse(tls(null, null, null, null)).temporal();
    assertEquals(new TemporalConfig.Tls(null, null, null, null), t.tls());
  }

  @Test
  void noTemporalTlsByDefault() {
    TemporalConfig t = ConfigLoader.parse(ConfigLoaderTest.GOOD).temporal();
    assertNull(t.tls());
    assertEquals("default", t.namespace());
  }

  @Test
  void certWithoutKeyAndKeyWithoutCertAreRefused() {
    refused(tls(ca, cert, null, null), "temporal.tls.keyFile", "certFile and keyFile go together");
    refused(tls(ca, null, key, null), "temporal.tls.certFile", "certFile and keyFile go together");
  }

  @Test
  void aMissingFileIsNamedByItsKey() {
    refused(tls(dir.resolve("nope.pem"), null, null, null), "temporal.tls.caFile",
        "no file at " + dir.resolve("nope.pem"));
    refused(tls(ca, dir.resolve("nope.pem"), key, null), "temporal.tls.certFile", "no file at");
    refused(tls(ca, cert, dir.resolve("nope.key"), null), "temporal.tls.keyFile", "no file at");
  }

  @Test
  void aRelativePathIsRefused() {
    refused(tls("tls/ca.pem", null, null, null), "temporal.tls.caFile",
        "must be an absolute, normalized path");
  }

  @Test
  void pemParseErrorsNameTheKey() throws IOException {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
    refused(tls(notPem, null, null, null), "temporal.tls.caFile", "holds no PEM certificate");
    Path broken = Files.writeString(dir.resolve("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    refused(tls(ca, broken, key, null), "temporal.tls.certFile", "is not a readable PEM certificate");
    refused(tls(ca, cert, notPem, null), "temporal.tls.keyFile", "holds no PEM private key");
    Path brokenKey = Files.writeString(dir.resolve("broken.key"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    refused(tls(ca, cert, brokenKey, null), "temporal.tls.keyFile",
        "is not an RSA, EC or EdDSA PKCS#8 key");
  }

  @Test
  void aPkcs1KeyIsRefusedWithTheConversionCommand() throws Exception {
    openssl("genrsa", "-traditional", "-out", "rsa-pkcs1.pem", "2048");
    refused(tls(ca, cert, dir.resolve("rsa-pkcs1.pem"), null), "temporal.tls.keyFile",
        "holds a PKCS#1 RSA key; an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----) is"
            + " needed: openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() {
    refused(tls(ca, cert, otherKey, null), "temporal.tls.keyFile",
        "is not the private key of the certificate in " + cert);
  }

  @Test
  void aServerNameMustBeAHostName() {
    refused(tls(ca, null, null, "\"serverName\": \"temporal internal\""),
        "temporal.tls.serverName", "must be a host name");
  }

  @Test
  void unknownTlsKeysAreNamed() {
    refused(tls(ca, null, null, "\"ca\": \"x\""), "temporal.tls.ca", "unknown key 'ca'; known: caFile, certFile, keyFile, serverName");
  }

  @Test
  void aNamespaceMustBeAName() {
    refused(config("{\"namespace\": \"my namespace\"}"), "temporal.namespace",
        "is not a namespace name");
  }

  @Test
  void anApiKeyNeedsTlsUnlessPlaintextIsAllowedExplicitly() {
    refused(config("{\"apiKeyEnv\": \"TEMPORAL_API_KEY\"}"), "temporal.apiKeyEnv",
        "an API key over plaintext can be read by anyone on the way");
    TemporalConfig withTls = ConfigLoader.parse(config("{\"apiKeyEnv\": \"TEMPORAL_API_KEY\","
        + " \"tls\": {}}")).temporal();
    assertEquals("TEMPORAL_API_KEY", withTls.apiKeyEnv());
    TemporalConfig plaintext = ConfigLoader.parse(config("{\"apiKeyEnv\": \"TEMPORAL_API_KEY\","
        + " \"allowApiKeyWithoutTls\": true}")).temporal();
    assertTrue(plaintext.allowApiKeyWithoutTls());
    refused(config("{\"allowApiKeyWithoutTls\": true}"), "temporal.allowApiKeyWithoutTls",
        "is only for an API key");
    refused(config("{\"apiKeyEnv\": \"K\", \"tls\": {}, \"allowApiKeyWithoutTls\": true}"),
        "temporal.allowApiKeyWithoutTls", "the connection has TLS");
  }

  @Test
  void theApiKeyComesFromOnePlaceAFileOrAnEnvironmentVariable() throws IOException {
    Path file = Files.writeString(dir.resolve("api-key"), "secret-value\n");
    TemporalConfig t = ConfigLoader.parse(config("{\"apiKeyFile\": \"" + file + "\","
        + " \"tls\": {}}")).temporal();
    assertEquals(file.toString(), t.apiKeyFile());
    refused(config("{\"apiKeyFile\": \"" + file + "\", \"apiKeyEnv\": \"K\", \"tls\": {}}"),
        "temporal.apiKeyFile", "give the API key one way");
    refused(config("{\"apiKeyFile\": \"" + dir.resolve("none") + "\", \"tls\": {}}"),
        "temporal.apiKeyFile", "no file this user can read");
    refused(config("{\"apiKeyEnv\": \"temporal-key\", \"tls\": {}}"), "temporal.apiKeyEnv",
        "must name an environment variable");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        config("{\"apiKeyFile\": \"" + file + "\", \"namespace\": \"bad space\", \"tls\": {}}")));
    assertTrue(!e.getMessage().contains("secret-value"), e.getMessage());
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + argv + " failed: " + out);
    }
  }
}
