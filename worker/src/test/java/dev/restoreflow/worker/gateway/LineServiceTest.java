package dev.restoreflow.worker.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.config.ConfigLoader;
import io.temporal.client.WorkflowClient;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks the gateway makes before it asks Temporal for anything (so: no client here). */
class LineServiceTest {

  private static final RestoreflowConfig CONFIG = ConfigLoader.parse("""
      {"hosts": {"S-DB1": {"kind": "local"}},
       "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                               "probackup": {"catalog": "/mnt/backups"}}}}
      """);

  private final LineService withToken = new LineService(CONFIG, null, null, "s3cret-token");

  private String answer(LineService service, String line) {
    return service.answer(line.getBytes(StandardCharsets.UTF_8), "127.0.0.1:4242").text();
  }

  @Test
  void aConfiguredTokenIsRequiredAndChecked() {
    assertTrue(answer(withToken, "db_instance=main1").startsWith("ERROR TOKEN_REQUIRED"));
    String wrong = answer(withToken, "db_instance=main1, token=guess");
    assertTrue(wrong.startsWith("ERROR BAD_TOKEN"), wrong);
    assertFalse(wrong.contains("s3cret"), "the token is never echoed");
  }

  @Test
  void statusAndQueueNeedTheTokenToo() {
    String status = answer(withToken, "status main1-20261123-061124-ebee8c");
    assertTrue(status.startsWith("ERROR TOKEN_REQUIRED"), status);
    String queue = answer(withToken, "queue");
    assertTrue(queue.startsWith("ERROR TOKEN_REQUIRED"), queue);
    assertTrue(answer(withToken, "queue S-DB1").startsWith("ERROR TOKEN_REQUIRED"));
    assertTrue(answer(withToken, "queue S-DB1, token=guess").startsWith("ERROR BAD_TOKEN"));
    assertTrue(answer(withToken, "status main1-1, token=guess").startsWith("ERROR BAD_TOKEN"));
    String passed = answer(withToken, "queue S-DB2, token=s3cret-token");
    assertTrue(passed.startsWith("ERROR UNKNOWN_HOST"), "past the token check: " + passed);
  }

  @Test
  void aLineThatIsNotTheProtocolEndsTheConnectionAWrongRequestDoesNot() {
    LineService open = new LineService(CONFIG, null, null, null);
    for (String notProtocol : List.of("POST / HTTP/1.1", "GET /?db_instance=main1 HTTP/1.0",
        "Host: 127.0.0.1:5000", "Content-Type: text/plain", "db_instance=main1, colour=blue",
        "db_instance=main1,, incremental", "db_instance=main1, db_instance=main1", "status a b",
        "hello")) {
      LineReply reply = open.answer(notProtocol.getBytes(StandardCharsets.UTF_8), "c");
      assertTrue(reply.text().startsWith("ERROR "), notProtocol + " -> " + reply);
      assertTrue(reply.closesConnection(), notProtocol + " -> " + reply);
    }
    for (String wrongRequest : List.of("", "db_instance=main2", "db_host=S-DB1",
        "db_instance=main1, backup_id=20261123T091500Z", "db_instance=main1, db_host=S-DB2",
        "db_instance=$(id)")) {
      LineReply reply = open.answer(wrongRequest.getBytes(StandardCharsets.UTF_8), "c");
      assertTrue(reply.text().startsWith("ERROR "), wrongRequest + " -> " + reply);
      assertFalse(reply.closesConnection(), wrongRequest + " -> " + reply);
    }
    LineReply noToken = withToken.answer("db_instance=main1".getBytes(StandardCharsets.UTF_8), "c");
    assertFalse(noToken.closesConnection(), noToken.toString());
  }

  @Test
  void instancesAndHostsMustBeConfigured() {
    LineService open = new LineService(CONFIG, null, null, null);
    assertTrue(answer(open, "db_instance=main2").startsWith("ERROR UNKNOWN_INSTANCE"));
    assertTrue(answer(open, "db_instance=main1, db_host=S-DB2").startsWith("ERROR UNKNOWN_HOST"));
    assertTrue(answer(open, "queue S-DB2").startsWith("ERROR UNKNOWN_HOST"));
  }

  @Test
  void aRestoreOntoAConfiguredHostTheInstanceDoesNotDeclareIsRefusedAndStartsNothing() {
    RestoreflowConfig twoHosts = ConfigLoader.parse("""
        {"hosts": {"S-DB1": {"kind": "local"}, "S-DB2": {"kind": "local"}},
         "instances": {"main1": {"host": "S-DB1", "pgdata": "/var/lib/postgresql/15/main",
                                 "probackup": {"catalog": "/mnt/backups"}}}}
        """);
    List<String> temporalCalls = new ArrayList<>();
    WorkflowClient recording = (WorkflowClient) Proxy.newProxyInstance(
        WorkflowClient.class.getClassLoader(), new Class<?>[] {WorkflowClient.class},
        (proxy, method, args) -> {
          temporalCalls.add(method.getName());
          throw new UnsupportedOperationException("the test's Temporal starts nothing");
        });
    LineService service = new LineService(twoHosts, new RestoreflowClient(recording), null, null);
    String reply = answer(service, "db_instance=main1, db_host=S-DB2");
    assertTrue(reply.startsWith("ERROR HOST_NOT_ALLOWED instance 'main1' may not be restored onto"
        + " host 'S-DB2'"), reply);
    assertTrue(reply.contains("instances.main1.restoreHosts"), "says what to change: " + reply);
    assertEquals(List.of(), temporalCalls, "nothing was asked of Temporal");
  }

  @Test
  void aBackupIdMustBeOfTheInstancesEngine() {
    LineService open = new LineService(CONFIG, null, null, null);
    for (String id : new String[] {"20261123T091500Z", "SSCOA", "SSCOAD1", "20261123T0915Z"}) {
      String answer = answer(open, "db_instance=main1, backup_id=" + id);
      assertTrue(answer.startsWith("ERROR BAD_BACKUP_ID instance 'main1' (engine probackup):"),
          answer);
    }
  }

  @Test
  void incrementalAndFullTogetherAreRefusedByTheResolverAndStartNothing() {
    LineService open = new LineService(CONFIG, null, null, null);
    assertEquals("ERROR INVALID_REQUEST a restore is either incremental (keeps the data directory)"
        + " or full (wipes it first), not both: drop incremental or full",
        answer(open, "db_instance=main1, incremental, full"));
  }

  @Test
  void invalidUtf8IsItsOwnError() {
    LineService open = new LineService(CONFIG, null, null, null);
    LineReply reply = open.answer(new byte[] {(byte) 0xFF, 'a'}, "c");
    assertTrue(reply.text().startsWith("ERROR NOT_UTF8"));
    assertTrue(reply.closesConnection());
  }

  @Test
  void allowlistEntriesAreLiteralAddressesNeverLookedUp() throws Exception {
    for (String name : new String[] {"localhost", "1.2.3", "abc"}) {
      assertThrows(IllegalArgumentException.class, () -> new ClientAllowlist(List.of(name)), name);
    }
    ClientAllowlist v6 = new ClientAllowlist(List.of("fd00:20::/32"));
    assertTrue(v6.allows(InetAddress.getByName("fd00:20:1::7")));
    assertFalse(v6.allows(InetAddress.getByName("fd00:21::7")));
    assertFalse(v6.allows(InetAddress.getByName("10.20.0.1")));
  }

  @Test
  void allowlistTakesLoopbackAndConfiguredBlocksOnly() throws Exception {
    ClientAllowlist loopbackOnly = new ClientAllowlist(List.of());
    assertTrue(loopbackOnly.allows(InetAddress.getByName("127.0.0.1")));
    assertTrue(loopbackOnly.allows(InetAddress.getByName("::1")));
    assertFalse(loopbackOnly.allows(InetAddress.getByName("10.1.2.3")));
    ClientAllowlist office = new ClientAllowlist(List.of("10.20.0.0/16", "192.0.2.7"));
    assertTrue(office.allows(InetAddress.getByName("10.20.255.1")));
    assertFalse(office.allows(InetAddress.getByName("10.21.0.1")));
    assertTrue(office.allows(InetAddress.getByName("192.0.2.7")));
    assertFalse(office.allows(InetAddress.getByName("192.0.2.8")));
  }
}
