package dev.restoreflow.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

  private static ExtraRoute route(String method, String path, String answer) {
    return ExtraRoute.of(method, path, r -> HttpReply.text(200, "text/plain", answer));
  }

  private final Router router = new Router();

  RouterTest() {
    router.mount(route("GET", "/api/v1/jobs", "list"));
    router.mount(route("GET", "/api/v1/jobs/{job}", "one"));
    router.mount(route("POST", "/api/v1/jobs/{job}/cancel", "cancel"));
    router.mount(route("GET", "/metrics", "404"));
  }

  @Test
  void literalAndParameterSegmentsMatchWhole() {
    Router.Found found = assertInstanceOf(Router.Found.class,
        router.match("GET", "/api/v1/jobs/main1-20261123-061124-ebee8c"));
    assertEquals("/api/v1/jobs/{job}", found.route().path());
    assertEquals(Map.of("job", "main1-20261123-061124-ebee8c"), found.params());
    assertEquals("/api/v1/jobs", ((Router.Found) router.match("GET", "/api/v1/jobs")).route().path());
  }

  @Test
  void aPathNoRouteHasIsNotFoundAndAnEmptySegmentMatchesNoParameter() {
    assertInstanceOf(Router.NoSuchPath.class, router.match("GET", "/api/v1/jobs/"));
    assertInstanceOf(Router.NoSuchPath.class, router.match("GET", "/api/v1/jobs/a/b"));
    assertInstanceOf(Router.NoSuchPath.class, router.match("GET", "/api/v1"));
    assertInstanceOf(Router.NoSuchPath.class, router.match("GET", "/"));
    assertInstanceOf(Router.NoSuchPath.class, router.match("POST", "/api/v1/jobs//cancel"));
  }

  @Test
  void aKnownPathWithAnotherMethodNamesTheAllowedOnes() {
    Router.WrongMethod wrong = assertInstanceOf(Router.WrongMethod.class,
        router.match("DELETE", "/api/v1/jobs/x"));
    assertEquals(List.of("GET"), wrong.allowed());
    assertEquals(List.of("POST"),
        ((Router.WrongMethod) router.match("GET", "/api/v1/jobs/x/cancel")).allowed());
  }

  @Test
  void mountingReplacesTheRouteWithTheSameMethodAndPath() {
    router.mount(route("GET", "/metrics", "mounted"));
    Router.Found found = (Router.Found) router.match("GET", "/metrics");
    assertEquals("mounted", new String(found.route().handle(null).body()));
    assertEquals(4, router.routes().size());
  }
}
