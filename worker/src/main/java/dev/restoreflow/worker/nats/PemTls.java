package dev.restoreflow.worker.nats;

import dev.restoreflow.worker.config.NatsConfig.NatsTlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} from PEM files, which jnats 2.26 takes only as key stores: the CA
 * certificates to trust, and this client's certificate and PKCS#8 key for servers that verify
 * clients.
 */
final class PemTls {

  private static final char[] IN_MEMORY = new char[0];

  private PemTls() {}

  static SSLContext context(NatsTlsConfig tls) throws IOException, GeneralSecurityException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    if (tls.caFile() != null) {
      KeyStore cas = emptyStore();
      int i = 0;
      for (Certificate ca : certificates(tls.caFile())) {
        cas.setCertificateEntry("ca" + i++, ca);
      }
      trust.init(cas);
    } else {
      trust.init((KeyStore) null);
    }
    KeyManagerFactory keys = null;
    if (tls.certFile() != null) {
      KeyStore own = emptyStore();
      own.setKeyEntry("client", privateKey(tls.keyFile()), IN_MEMORY,
          certificates(tls.certFile()).toArray(new Certificate[0]));
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(own, IN_MEMORY);
    }
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, IN_MEMORY);
    return store;
  }

  private static List<Certificate> certificates(String file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      List<Certificate> all = new ArrayList<>(
          CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (all.isEmpty()) {
        throw new GeneralSecurityException("no certificate in " + file);
      }
      return all;
    }
  }

  private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(file + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY);"
          + " convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
    }
    byte[] der = Base64.getMimeDecoder().decode(
        pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("the key in " + file + " is not RSA, EC or Ed25519", last);
  }
}
