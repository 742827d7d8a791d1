package dev.restoreflow.worker.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedTokenTest {

  @Test
  void withoutATokenEveryRequestIsAccepted() {
    SharedToken none = SharedToken.fromEnvironment("http.tokenEnv", null, Map.<String, String>of()::get);
    assertFalse(none.required());
    assertEquals(SharedToken.Verdict.ACCEPTED, none.check(null));
    assertEquals(SharedToken.Verdict.ACCEPTED, none.check("anything"));
  }

  @Test
  void aTokenIsReadFromTheNamedVariableAndComparedWhole() {
    SharedToken token = SharedToken.fromEnvironment("http.tokenEnv", "RF_TOKEN",
        Map.of("RF_TOKEN", "s3cret")::get);
    assertTrue(token.required());
    assertEquals(SharedToken.Verdict.ACCEPTED, token.check("s3cret"));
    assertEquals(SharedToken.Verdict.MISSING, token.check(null));
    assertEquals(SharedToken.Verdict.WRONG, token.check("s3cre"));
    assertEquals(SharedToken.Verdict.WRONG, token.check("s3cret "));
    assertFalse(token.toString().contains("s3cret"), "never shown");
  }

  @Test
  void aNamedVariableThatIsNotSetOrBlankIsAnErrorNamingTheKey() {
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> SharedToken.fromEnvironment("http.tokenEnv", "RF_TOKEN", Map.<String, String>of()::get));
    assertTrue(unset.getMessage().startsWith("http.tokenEnv names RF_TOKEN, which is not set"),
        unset.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SharedToken.fromEnvironment(
        "lineGateway.tokenEnv", "RF_TOKEN", Map.of("RF_TOKEN", "  ")::get));
  }
}
