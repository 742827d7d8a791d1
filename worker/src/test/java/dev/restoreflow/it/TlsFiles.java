package dev.restoreflow.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PEM files made with openssl (argv, in {@code dir}): a CA, a server certificate for
 * {@code serverName} signed by it, a client certificate signed by it, and a second CA that
 * signed nothing of these (a client that trusts only it must refuse the server). Keys are P-256,
 * PKCS#8.
 */
record TlsFiles(Path ca, Path otherCa, Path serverCert, Path serverKey, Path clientCert,
    Path clientKey) {

  static TlsFiles make(Path dir, String serverName) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    for (String ca : List.of("ca", "other-ca")) {
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-nodes", "-keyout", ca + "-key.pem", "-out", ca + ".pem", "-days", "2", "-subj",
          "/CN=restoreflow-it-" + ca);
    }
    for (String who : List.of("server", "client")) {
      openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", who + "-key.pem", "-out", who + ".csr", "-subj", "/CN=restoreflow-it-" + who);
      Files.writeString(dir.resolve(who + ".ext"), who.equals("server")
          ? "subjectAltName=DNS:" + serverName + "\nextendedKeyUsage=serverAuth\n"
          : "extendedKeyUsage=clientAuth\n");
      openssl(dir, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
          "-CAcreateserial", "-out", who + ".pem", "-days", "2", "-extfile", who + ".ext");
    }
    return new TlsFiles(dir.resolve("ca.pem"), dir.resolve("other-ca.pem"),
        dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("client.pem"),
        dir.resolve("client-key.pem"));
  }

  static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + argv + " failed: " + out);
    }
  }
}
