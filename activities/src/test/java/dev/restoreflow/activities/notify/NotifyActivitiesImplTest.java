package dev.restoreflow.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.restoreflow.workflows.FailureType;
import dev.restoreflow.workflows.model.JobNotice;
import io.temporal.failure.ApplicationFailure;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity against a real HTTP receiver on 127.0.0.1 (one attempt per call). */
class NotifyActivitiesImplTest {

  private static final JobNotice FAILED = new JobNotice("j1:FAILED", "j1", "restore", "main1",
      "S-DB1", JobNotice.FAILED, null, "FetchS3", "boom", 0);
  private static final JobNotice SUCCEEDED = new JobNotice("j2:SUCCEEDED", "j2", "restore",
      "main1", "S-DB1", JobNotice.SUCCEEDED, null, null, null, 0);

  @TempDir
  Path dir;
  private HttpServer receiver;
  private final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private Map<String, String> environment;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    receiver.createContext("/", exchange -> {
      String webhook = exchange.getRequestURI().getPath().substring(1);
      exchange.getRequestBody().readAllBytes();
      received.add(webhook + " " + exchange.getRequestHeaders().getFirst("Idempotency-Key"));
      if (webhook.equals("slow")) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(answers.getOrDefault(webhook, 200), -1);
      exchange.close();
    });
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.start();
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/";
    environment = Map.of("A_URL", base + "a", "B_URL", base + "b", "SLOW_URL", base + "slow");
  }

  @AfterEach
  void stopReceiver() {
    never.countDown();
    receiver.stop(0);
  }

  private NotifyActivitiesImpl notifier(List<WebhookConfig> webhooks) {
    return new NotifyActivitiesImpl(webhooks, environment::get,
        new DeliveryRecord(dir.resolve("d.db")), new WebhookPoster(Duration.ofSeconds(2),
            Duration.ofSeconds(1)));
  }

  private static WebhookConfig hook(String name, String env, List<String> events) {
    return new WebhookConfig(name, env, null, WebhookConfig.JSON, events);
  }

  @Test
  void aRetryAfterAPartialDeliverySkipsTheWebhookThatTookTheNotice() {
    NotifyActivitiesImpl notifier = notifier(List.of(hook("a", "A_URL", null),
        hook("b", "B_URL", null)));
    answers.put("b", 503);
    ApplicationFailure down = assertThrows(ApplicationFailure.class, () -> notifier.notify(FAILED));
    assertEquals(FailureType.WEBHOOK_UNAVAILABLE.name(), down.getType());
    assertFalse(down.isNonRetryable());
    assertEquals(List.of("a j1:FAILED", "b j1:FAILED"), received);
    answers.put("b", 200);
    notifier.notify(FAILED);
    notifier.notify(FAILED);
    assertEquals(List.of("a j1:FAILED", "b j1:FAILED", "b j1:FAILED"), received);
  }

  @Test
  void aRefusalIsFinalAndNotSentAgain() {
    NotifyActivitiesImpl notifier = notifier(List.of(hook("a", "A_URL", null)));
    answers.put("a", 404);
    ApplicationFailure refused = assertThrows(ApplicationFailure.class,
        () -> notifier.notify(FAILED));
    assertEquals(FailureType.WEBHOOK_REJECTED.name(), refused.getType());
    assertTrue(refused.isNonRetryable());
    assertTrue(refused.getOriginalMessage().contains("refused by webhook a"),
        refused.getOriginalMessage());
    assertThrows(ApplicationFailure.class, () -> notifier.notify(FAILED));
    assertEquals(List.of("a j1:FAILED"), received);
  }

  @Test
  void aRefusalDoesNotStopTheOthersRetries() {
    NotifyActivitiesImpl notifier = notifier(List.of(hook("a", "A_URL", null),
        hook("b", "B_URL", null)));
    answers.put("a", 400);
    answers.put("b", 429);
    ApplicationFailure first = assertThrows(ApplicationFailure.class,
        () -> notifier.notify(FAILED));
    assertFalse(first.isNonRetryable(), "b is still to be tried: " + first.getOriginalMessage());
    answers.put("b", 200);
    ApplicationFailure last = assertThrows(ApplicationFailure.class,
        () -> notifier.notify(FAILED));
    assertTrue(last.isNonRetryable());
    assertEquals(List.of("a j1:FAILED", "b j1:FAILED", "b j1:FAILED"), received);
  }

  @Test
  void aWebhookGetsOnlyItsEvents() {
    NotifyActivitiesImpl notifier = notifier(List.of(hook("a", "A_URL", List.of("FAILED")),
        hook("b", "B_URL", null)));
    notifier.notify(SUCCEEDED);
    assertEquals(List.of("b j2:SUCCEEDED"), received);
  }

  @Test
  void aReceiverThatDoesNotAnswerInTimeIsRetried() {
    NotifyActivitiesImpl notifier = notifier(List.of(hook("slow", "SLOW_URL", null)));
    long start = System.nanoTime();
    ApplicationFailure late = assertThrows(ApplicationFailure.class,
        () -> notifier.notify(FAILED));
    assertFalse(late.isNonRetryable());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
  }

  @Test
  void aReceiverThatIsDownIsRetried() {
    int port = receiver.getAddress().getPort();
    receiver.stop(0);
    NotifyActivitiesImpl notifier = new NotifyActivitiesImpl(List.of(hook("a", "A_URL", null)),
        Map.of("A_URL", "http://127.0.0.1:" + port + "/a")::get,
        new DeliveryRecord(dir.resolve("d.db")), new WebhookPoster());
    ApplicationFailure down = assertThrows(ApplicationFailure.class,
        () -> notifier.notify(FAILED));
    assertFalse(down.isNonRetryable());
    assertEquals(FailureType.WEBHOOK_UNAVAILABLE.name(), down.getType());
  }

  @Test
  void withoutWebhooksANoticeIsDropped() {
    NotifyActivitiesImpl.none().notify(FAILED);
    assertEquals(List.of(), received);
  }
}
