package dev.restoreflow.workflows.model;

/**
 * A person's answer to a job waiting for approval, as the {@code approve} and {@code reject}
 * signals carry it (the CLI, the HTTP API, or the Temporal UI's signal dialog:
 * {@code {"by":"alice","reason":"ticket OPS-12"}}).
 *
 * @param by who answered (recorded in the ledger); required
 * @param reason why, for the ledger and the notifications; may be null
 */
public record Approval(String by, String reason) {}
