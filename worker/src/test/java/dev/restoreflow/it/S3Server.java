package dev.restoreflow.it;

import dev.restoreflow.activities.basebackup.BaseBackupConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3proxy 4.1.0 (from Maven Central, copied to target/s3proxy by the build) with its filesystem
 * backend, as a process of its own on a free 127.0.0.1 port, with a random access key and secret.
 * The credentials reach restoreflow only through the environment variables tests set.
 */
final class S3Server implements AutoCloseable {

  static final String ACCESS_KEY_ENV = "RESTOREFLOW_TEST_S3_KEY";
  static final String SECRET_KEY_ENV = "RESTOREFLOW_TEST_S3_SECRET";

  final String endpoint;
  final String accessKey;
  final String secretKey;
  private final Process process;

  private S3Server(String endpoint, String accessKey, String secretKey, Process process) {
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.process = process;
  }

  static S3Server start(Path dir) throws IOException, InterruptedException {
    String jar = System.getProperty("restoreflow.s3proxyJar", "target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("no s3proxy jar at " + jar + " (mvn process-test-resources"
          + " copies it from Maven Central)");
    }
    Path data = Files.createDirectories(dir.resolve("s3data"));
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String accessKey = "AK" + random(8).toUpperCase();
    String secretKey = random(20);
    String endpoint = "http://127.0.0.1:" + port;
    Path conf = dir.resolve("s3proxy.conf");
    Files.writeString(conf, String.join("\n", List.of(
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data)) + "\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx512m", "-jar", jar, "--properties",
        conf.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
        .start();
    S3Server server = new S3Server(endpoint, accessKey, secretKey, process);
    server.awaitListening(port, Duration.ofSeconds(60), dir.resolve("s3proxy.log"));
    return server;
  }

  private void awaitListening(int port, Duration limit, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue() + "; see "
            + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    close();
    throw new IllegalStateException("s3proxy did not listen within " + limit.toSeconds()
        + " s; see " + log);
  }

  /** The environment a restoreflow process needs to reach this server. */
  Map<String, String> environment() {
    return Map.of(ACCESS_KEY_ENV, accessKey, SECRET_KEY_ENV, secretKey);
  }

  void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      s3.createBucket(r -> r.bucket(bucket));
    }
  }

  /** Keys of the multipart uploads begun and neither completed nor aborted. */
  List<String> unfinishedUploads(String bucket) {
    try (S3Client s3 = client()) {
      return s3.listMultipartUploads(r -> r.bucket(bucket)).uploads().stream()
          .map(upload -> upload.key()).toList();
    }
  }

  private S3Client client() {
    return S3Client.builder()
        .endpointOverride(java.net.URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }

  /** A basebackup block for this server; the credentials by env var name only. */
  BaseBackupConfig repository(String bucket, String prefix, String compression) {
    return new BaseBackupConfig("s3://" + bucket + "/" + prefix, endpoint, null, true,
        ACCESS_KEY_ENV, SECRET_KEY_ENV, compression, null, 5, null);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
