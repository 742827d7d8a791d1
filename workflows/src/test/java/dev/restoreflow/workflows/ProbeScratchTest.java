package dev.restoreflow.workflows;

import dev.restoreflow.workflows.model.*;
import io.temporal.client.*;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProbeScratchTest {

  void dump(RestoreflowTestEnv t, String job, WorkflowStub stub, FakeHost h) {
    try { stub.getResult(RestoreResult.class); System.out.println("PROBE result ok"); }
    catch (WorkflowFailedException e) {
      Throwable c = e; while (c != null) { System.out.println("PROBE cause " + c.getClass().getName() + ": " + c.getMessage()); c = c.getCause(); }
    }
    RestoreProgress p = t.progress(job);
    System.out.println("PROBE progress " + p);
    System.out.println("PROBE steps " + h.steps());
    System.out.println("PROBE calls " + h.calls());
  }

  @Test void cancelInPlan() throws Exception {
    try (var t = new RestoreflowTestEnv()) {
      FakeHost h = t.host("db1");
      var g = h.gate(Steps.PLAN);
      WorkflowStub s = t.start("j1", RestoreRequest.of("main1"));
      g.awaitEntered();
      s.cancel();
      System.out.println("PROBE plan activity saw cancel " + g.awaitCancelled(Duration.ofSeconds(5)));
      dump(t, "j1", s, h);
    }
  }

  @Test void cancelInStop() throws Exception {
    try (var t = new RestoreflowTestEnv()) {
      FakeHost h = t.host("db1");
      var g = h.gate(Steps.STOP);
      WorkflowStub s = t.start("j1", RestoreRequest.of("main1"));
      g.awaitEntered();
      s.cancel();
      System.out.println("PROBE stop activity saw cancel " + g.awaitCancelled(Duration.ofSeconds(5)));
      dump(t, "j1", s, h);
    }
  }

  @Test void cancelAfterStopDone() throws Exception {
    try (var t = new RestoreflowTestEnv()) {
      FakeHost h = t.host("db1");
      CountDownLatch in = new CountDownLatch(1), out = new CountDownLatch(1);
      t.server().onEvent(e -> {
        if (e.step() != null && e.step().name().equals(Steps.STOP) && e.step().status() == StepStatus.DONE) {
          in.countDown();
          try { out.await(10, TimeUnit.SECONDS); } catch (InterruptedException x) {}
        }
      });
      WorkflowStub s = t.start("j1", RestoreRequest.of("main1"));
      in.await(10, TimeUnit.SECONDS);
      s.cancel();
      Thread.sleep(300);
      out.countDown();
      dump(t, "j1", s, h);
    }
  }

  @Test void cancelInWipe() throws Exception {
    try (var t = new RestoreflowTestEnv()) {
      FakeHost h = t.host("db1");
      var g = h.gate(Steps.WIPE);
      WorkflowStub s = t.start("j1", RestoreRequest.of("main1"));
      g.awaitEntered();
      s.cancel();
      System.out.println("PROBE wipe saw cancel " + g.awaitCancelled(Duration.ofSeconds(5)));
      dump(t, "j1", s, h);
      System.out.println("PROBE queue " + t.queue("db1"));
      System.out.println("PROBE events " + t.server().events().stream().map(e -> e.state() + "/" + (e.step()==null?null:e.step().name()+":"+e.step().status()) + "/" + e.error()).toList());
    }
  }
}
