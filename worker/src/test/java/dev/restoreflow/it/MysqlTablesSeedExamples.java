package dev.restoreflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreflow.worker.config.ConfigLoader;
import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.worker.nats.LocalNatsServer;
import dev.restoreflow.worker.nats.NatsGateway;
import dev.restoreflow.workflows.model.BackupResult;
import dev.restoreflow.workflows.model.JobState;
import dev.restoreflow.workflows.model.RestoreResult;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The ok replies of seed 002's examples on engine mysqltables: makebackup (both forms), the
 * archives listed, an archive's tables, restore (both forms), each job run to its end, on a real
 * MariaDB.
 */
final class MysqlTablesSeedExamples {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration JOB = Duration.ofMinutes(5);
  private static final String FORM = "\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}-backup\\.7z";

  private MysqlTablesSeedExamples() {}

  private static final String PASSWORD_ENV = "RESTOREFLOW_IT_SEED_DB_PASSWORD";
  private static final String PASSWORD = "seed-pw'1";

  /**
   * Runs the examples against database {@code seed} of {@code mariadb} (tables table1..table3
   * created here), with a host worker of its own (the password is in its environment only).
   */
  static void run(MariaDbServer mariadb, Path state, LocalNatsServer nats, NatsCli cli)
      throws Exception {
    Files.createDirectories(state);
    Path archives = Files.createDirectories(state.resolve("archives"));
    mariadb.sql("CREATE DATABASE seed; CREATE USER 'seed'@'127.0.0.1' IDENTIFIED BY '"
        + PASSWORD.replace("'", "\\'") + "'; GRANT ALL ON *.* TO 'seed'@'127.0.0.1';"
        + " CREATE TABLE seed.table1 (id INT PRIMARY KEY, v TEXT);"
        + " CREATE TABLE seed.table2 (id INT PRIMARY KEY, v TEXT);"
        + " CREATE TABLE seed.table3 (id INT PRIMARY KEY, v TEXT);"
        + " INSERT INTO seed.table1 VALUES (1, 'one'), (2, 'two');"
        + " INSERT INTO seed.table2 VALUES (1, 'uno'); INSERT INTO seed.table3 VALUES (1, 'un')");
    ItServer server = ItTemporal.startServer();
    String json = """
        {"temporal": {"target": "%s", "namespace": "default"},
         "ledger": "%s", "logDir": "%s",
         "hosts": {"local": {"kind": "local"}},
         "instances": {"shop": {"engine": "mysqltables", "host": "local",
           "mysqltables": {"archiveDir": "%s", "port": %d, "database": "seed",
             "user": "seed", "passwordEnv": "%s"}}},
         "lineGateway": {"enabled": false}, "http": {"enabled": false},
         "nats": {"url": "%s", "instance": "shop", "subjectPrefix": "mysqlit"}}
        """.formatted(server.target(), state.resolve("ledger.db"), state.resolve("logs"),
        archives, mariadb.port(), PASSWORD_ENV, nats.url());
    RestoreflowConfig config = ConfigLoader.parse(json);
    Path configFile = RestoreflowProcess.writeConfig(config, state.resolve("config.json"));
    try (ItTemporal temporal = ItTemporal.start(server, config, List.of());
        RestoreflowProcess worker = RestoreflowProcess.worker(configFile, "local",
            state.resolve("worker.log"), Map.of(PASSWORD_ENV, PASSWORD));
        NatsGateway gateway = NatsGateway.forConfig(config, temporal.restoreflow,
            temporal.ledger);
        Connection client = Nats.connect(nats.url())) {
      assertTrue(gateway.awaitServing(Duration.ofSeconds(30)));
      String first = backup(temporal, cli.request("mysqlit.makebackup",
          "makebackup=table1,table2,table3"));
      String second = backup(temporal, reply(client, "mysqlit.makebackup", "makebackup",
          "tables", "table1,table2,table3"));
      assertEquals("{\"0\": \"" + first + "\", \"1\": \"" + second + "\"}",
          cli.request("mysqlit.listbackups", "listfiles"));
      String tables = "{\"tables\": \"table1.sql,table2.sql,table3.sql\"}";
      assertEquals(tables, cli.request("mysqlit.archive", "archivename=" + first));
      assertEquals(tables, reply(client, "mysqlit.archive", "archive", "archivename", second));
      restore(temporal, cli.request("mysqlit.restore", "archive=" + first
          + ";tables=table1.sql,table2.sql,table3.sql"));
      restore(temporal, reply(client, "mysqlit.restore", "archive", "archivename", second,
          "tables", "table1.sql,table2.sql"));
      Map<String, String> bad = parsed(cli.request("mysqlit.restore", "archive=" + first
          + ";tables=table1.sql,table2.sql,table3.sqld"));
      assertEquals("bad", bad.get("status"));
      Map<String, String> unknown = parsed(cli.request("mysqlit.makebackup",
          "makebackup=table1,nosuchtable"));
      assertEquals("bad", unknown.get("status"), "the engine's resolver knows its tables");
    }
  }

  /** An ok makebackup reply: the promised file appears when the job has ended. */
  private static String backup(ItTemporal temporal, String reply) throws Exception {
    Map<String, String> fields = parsed(reply);
    assertEquals("ok", fields.get("status"), reply);
    assertTrue(reply.startsWith("{\"status\": \"ok\", \"futurefilename\": \""), reply);
    Path future = Path.of(fields.get("futurefilename"));
    String name = future.getFileName().toString();
    assertTrue(name.matches(FORM), reply);
    BackupResult result = temporal.restoreflow.awaitBackup(fields.get("job"), JOB);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
    assertTrue(Files.isRegularFile(future), future + " after job " + fields.get("job"));
    return name;
  }

  private static void restore(ItTemporal temporal, String reply) throws Exception {
    Map<String, String> fields = parsed(reply);
    assertEquals("ok", fields.get("status"), reply);
    RestoreResult result = temporal.restoreflow.await(fields.get("job"), JOB);
    assertEquals(JobState.SUCCEEDED, result.state(), result.message());
  }

  private static String reply(Connection client, String subject, String body,
      String... headerPairs) throws Exception {
    Headers headers = new Headers();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(headerPairs[i], headerPairs[i + 1]);
    }
    Message reply = client.request(NatsMessage.builder().subject(subject).headers(headers)
        .data(body.getBytes(StandardCharsets.UTF_8)).build(), Duration.ofSeconds(30));
    assertNotNull(reply, "no reply to " + subject);
    return new String(reply.getData(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> parsed(String reply) throws Exception {
    return JSON.readValue(reply, new TypeReference<Map<String, String>>() { });
  }
}
