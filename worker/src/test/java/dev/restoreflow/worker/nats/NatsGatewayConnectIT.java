package dev.restoreflow.worker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.NatsConfig;
import dev.restoreflow.worker.config.NatsConfig.NatsTlsConfig;
import dev.restoreflow.workflows.model.CatalogBackup;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the gateway reaches a real nats-server: a token, a user and password (read from the
 * environment the config names), mutual TLS from PEM files; a server that is not there yet.
 * The answers come from a fixed catalog: no Temporal here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NatsGatewayConnectIT {

  private static final String ARCHIVE = "2021-11-28_20-30-39-backup.7z";
  private static final String LISTED = "{\"0\": \"" + ARCHIVE + "\"}";

  @TempDir
  Path dir;

  private static Path binary() {
    return LocalNatsServer.find().orElseThrow(() -> new IllegalStateException(
        "no nats-server (/usr/sbin/nats-server): run scripts/setup"));
  }

  private static NatsBackupService service() {
    String config = """
        {"hosts": {"local": {"kind": "local"}},
         "instances": {"shop": {"host": "local", "pgdata": "/var/tmp/never/pgdata",
           "probackup": {"catalog": "/var/tmp/never/catalog"}}}}
        """;
    CatalogBackup archive = new CatalogBackup("shop", "mysqltables", ARCHIVE, "FULL",
        CatalogBackup.OK, null, null, 0, 0, null, List.of(ARCHIVE), null, null, null,
        List.of("t1.sql"));
    return new NatsBackupService("shop", new RequestResolver(ConfigLoader.parse(config)
        .inventory()), null, null, () -> Optional.of(List.of(archive)),
        () -> Optional.of(List.of("t1")), Clock.systemUTC());
  }

  private static NatsConfig config(String url, String userEnv, String passwordEnv,
      String tokenEnv, NatsTlsConfig tls) {
    return new NatsConfig(url, "shop", "backup", "restoreflow-backup", userEnv, passwordEnv,
        tokenEnv, null, tls, 5);
  }

  private static String listBackups(Options options) throws Exception {
    try (Connection client = Nats.connect(options)) {
      Message reply = client.request("backup.listbackups",
          "listfiles".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
      assertNotNull(reply, "no reply");
      return new String(reply.getData(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aTokenFromTheEnvironmentLogsIn() throws Exception {
    try (LocalNatsServer nats = LocalNatsServer.start(binary(), dir.resolve("nats.log"),
            List.of("--auth", "s3cret-token"));
        NatsGateway gateway = NatsGateway.start(config(nats.url(), null, null, "NATS_TOKEN",
            null), service(), Map.of("NATS_TOKEN", "s3cret-token")::get)) {
      assertTrue(gateway.awaitServing(Duration.ofSeconds(20)));
      assertEquals(LISTED, listBackups(new Options.Builder().server(nats.url())
          .token("s3cret-token".toCharArray()).build()));
    }
  }

  @Test
  void aUserAndPasswordFromTheEnvironmentLogIn() throws Exception {
    try (LocalNatsServer nats = LocalNatsServer.start(binary(), dir.resolve("nats.log"),
            List.of("--user", "restoreflow", "--pass", "pw-from-env"));
        NatsGateway gateway = NatsGateway.start(config(nats.url(), "NATS_USER", "NATS_PASSWORD",
            null, null), service(), Map.of("NATS_USER", "restoreflow", "NATS_PASSWORD",
            "pw-from-env")::get)) {
      assertTrue(gateway.awaitServing(Duration.ofSeconds(20)));
      assertEquals(LISTED, listBackups(new Options.Builder().server(nats.url())
          .userInfo("restoreflow", "pw-from-env").build()));
    }
  }

  @Test
  void aWrongTokenNeverServesAndAnUnsetVariableIsNamed() throws Exception {
    try (LocalNatsServer nats = LocalNatsServer.start(binary(), dir.resolve("nats.log"),
            List.of("--auth", "s3cret-token"));
        NatsGateway gateway = NatsGateway.start(config(nats.url(), null, null, "NATS_TOKEN",
            null), service(), Map.of("NATS_TOKEN", "wrong")::get)) {
      assertFalse(gateway.awaitServing(Duration.ofSeconds(3)));
    }
    var unset = assertThrows(dev.restoreflow.worker.config.ConfigException.class,
        () -> NatsGateway.start(config("nats://127.0.0.1:1", null, null, "NATS_TOKEN", null),
            service(), name -> null));
    assertEquals("nats.tokenEnv", unset.key());
  }

  @Test
  void mutualTlsFromPemFiles() throws Exception {
    Certificates certs = Certificates.make(dir);
    NatsTlsConfig clientTls = new NatsTlsConfig(certs.ca().toString(),
        certs.clientCert().toString(), certs.clientKey().toString());
    try (LocalNatsServer nats = LocalNatsServer.start(binary(), dir.resolve("nats.log"),
            List.of("--tlsverify", "--tlscert", certs.serverCert().toString(), "--tlskey",
                certs.serverKey().toString(), "--tlscacert", certs.ca().toString()));
        NatsGateway gateway = NatsGateway.start(config("tls://127.0.0.1:" + nats.port(), null,
            null, null, clientTls), service(), name -> null)) {
      assertTrue(gateway.awaitServing(Duration.ofSeconds(20)));
      assertEquals(LISTED, listBackups(new Options.Builder()
          .server("tls://127.0.0.1:" + nats.port()).sslContext(PemTls.context(clientTls))
          .build()));
    }
  }

  @Test
  void aNatsServerThatComesUpLaterIsServedThen() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (NatsGateway gateway = NatsGateway.start(config("nats://127.0.0.1:" + port, null, null,
        null, null), service(), name -> null)) {
      assertFalse(gateway.awaitServing(Duration.ofSeconds(3)));
      try (LocalNatsServer nats = LocalNatsServer.start(binary(), port, dir.resolve("nats.log"))) {
        assertTrue(gateway.awaitServing(Duration.ofSeconds(30)));
        assertEquals(LISTED, listBackups(new Options.Builder().server(nats.url()).build()));
      }
    }
  }

  /** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
  record Certificates(Path ca, Path serverCert, Path serverKey, Path clientCert,
      Path clientKey) {

    static Certificates make(Path dir) throws IOException, InterruptedException {
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=it-ca");
      for (String who : List.of("server", "client")) {
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", who + "-key.pem", "-out", who + ".csr", "-subj", "/CN=" + who);
        Files.writeString(dir.resolve(who + ".ext"), who.equals("server")
            ? "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
            : "extendedKeyUsage=clientAuth\n");
        openssl(dir, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey",
            "ca-key.pem", "-CAcreateserial", "-out", who + ".pem", "-days", "2", "-extfile",
            who + ".ext");
      }
      return new Certificates(dir.resolve("ca.pem"), dir.resolve("server.pem"),
          dir.resolve("server-key.pem"), dir.resolve("client.pem"), dir.resolve("client-key.pem"));
    }

    private static void openssl(Path dir, String... args)
        throws IOException, InterruptedException {
      List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
      argv.addAll(List.of(args));
      Process process = new ProcessBuilder(argv).directory(dir.toFile())
          .redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + argv + " failed: " + out);
      }
    }
  }
}
