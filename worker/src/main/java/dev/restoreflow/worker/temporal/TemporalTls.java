package dev.restoreflow.worker.temporal;

import dev.restoreflow.worker.config.ConfigException;
import dev.restoreflow.worker.config.TemporalConfig;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The TLS context of the connection to Temporal, from the PEM files of {@code temporal.tls}. Every
 * problem with a file is a {@link ConfigException} naming its key ({@code temporal.tls.keyFile:
 * ...}); nothing here logs the key.
 */
public final class TemporalTls {

  static final String KEY = "temporal.tls";
  private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
  private static final String END_KEY = "-----END PRIVATE KEY-----";

  private TemporalTls() {}

  /** Reads and checks the files: certificates parse, the key parses and belongs to the cert. */
  public static SslContext sslContext(TemporalConfig.Tls tls) {
    SslContextBuilder builder = GrpcSslContexts.forClient();
    if (tls.caFile() != null) {
      builder.trustManager(certificates(KEY + ".caFile", tls.caFile())
          .toArray(new X509Certificate[0]));
    }
    if (tls.certFile() != null) {
      List<X509Certificate> chain = certificates(KEY + ".certFile", tls.certFile());
      PrivateKey key = privateKey(KEY + ".keyFile", tls.keyFile());
      requirePair(chain.get(0), key, tls);
      builder.keyManager(key, chain.toArray(new X509Certificate[0]));
    }
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new ConfigException(KEY, "cannot make a TLS context of these files: " + e.getMessage());
    }
  }

  private static byte[] read(String key, String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(key, "no file at " + file);
    }
    if (!Files.isReadable(path)) {
      throw new ConfigException(key, file + " is not readable by this user ("
          + System.getProperty("user.name") + "); give it read access");
    }
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(String key, String file) {
    byte[] pem = read(key, file);
    if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException(key, file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
      List<X509Certificate> all = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        all.add((X509Certificate) c);
      }
      if (all.isEmpty()) {
        throw new ConfigException(key, file + " holds no PEM certificate");
      }
      return all;
    } catch (CertificateException | IOException e) {
      throw new ConfigException(key, file + " is not a readable PEM certificate: "
          + e.getMessage());
    }
  }

  private static PrivateKey privateKey(String key, String file) {
    String pem = new String(read(key, file), StandardCharsets.US_ASCII);
    int begin = pem.indexOf(BEGIN_KEY);
    int end = pem.indexOf(END_KEY);
    if (begin < 0 || end < begin) {
      String found = pem.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted key"
          : pem.contains("RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
          : pem.contains("EC PRIVATE KEY") ? "a SEC1 EC key" : "no PEM private key";
      throw new ConfigException(key, file + " holds " + found + "; an unencrypted PKCS#8 PEM key"
          + " (-----BEGIN PRIVATE KEY-----) is needed: openssl pkcs8 -topk8 -nocrypt -in KEY"
          + " -out KEY.pk8");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN_KEY.length(), end));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, file + " is not valid PEM (bad base64)");
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // the next algorithm
      }
    }
    throw new ConfigException(key, file + " is not an RSA, EC or EdDSA PKCS#8 key");
  }

  /** The key must be the certificate's: else the handshake fails later, less clearly. */
  private static void requirePair(X509Certificate cert, PrivateKey key, TemporalConfig.Tls tls) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    byte[] probe = "restoreflow key check".getBytes(StandardCharsets.US_ASCII);
    boolean pair;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      pair = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      pair = false;
    }
    if (!pair) {
      throw new ConfigException(KEY + ".keyFile", tls.keyFile() + " is not the private key of the"
          + " certificate in " + tls.certFile() + " (temporal.tls.certFile)");
    }
  }
}
