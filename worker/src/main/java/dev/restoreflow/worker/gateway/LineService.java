package dev.restoreflow.worker.gateway;

import dev.restoreflow.worker.config.RestoreflowConfig;
import dev.restoreflow.activities.ledger.JobLedger;
import dev.restoreflow.activities.ledger.JobRow;
import dev.restoreflow.activities.registry.RequestResolver;
import dev.restoreflow.client.RequestRejectedException;
import dev.restoreflow.client.RestoreflowClient;
import dev.restoreflow.worker.Heartbeats;
import dev.restoreflow.client.Submission;
import dev.restoreflow.workflows.model.QueueEntry;
import dev.restoreflow.workflows.model.QueueState;
import dev.restoreflow.workflows.model.ResolvedRestore;
import dev.restoreflow.workflows.model.RestoreProgress;
import dev.restoreflow.workflows.model.RestoreRequest;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers one request line: checks it against the config, starts the job, or reports. */
public final class LineService {

  private static final Logger log = LoggerFactory.getLogger(LineService.class);

  private final RestoreflowConfig config;
  private final RequestResolver resolver;
  private final RestoreflowClient restoreflow;
  private final JobLedger ledger;
  private final SharedToken token;

  /** @param token the shared token every line must carry, or null for none */
  public LineService(RestoreflowConfig config, RestoreflowClient restoreflow, JobLedger ledger,
      String token) {
    this(config, restoreflow, ledger, SharedToken.of(token));
  }

  /** @param token the shared token every line must carry ({@link SharedToken#none()}: none) */
  static LineService withToken(RestoreflowConfig config, RestoreflowClient restoreflow,
      JobLedger ledger, SharedToken token) {
    return new LineService(config, restoreflow, ledger, token);
  }

  private LineService(RestoreflowConfig config, RestoreflowClient restoreflow, JobLedger ledger,
      SharedToken token) {
    this.config = config;
    this.resolver = new RequestResolver(config.inventory());
    this.restoreflow = restoreflow;
    this.ledger = ledger;
    this.token = token;
  }

  /** The reply to {@code raw} from {@code client}. */
  public LineReply answer(byte[] raw, String client) {
    String line;
    try {
      line = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      return error(client, new GatewayError(GatewayError.NOT_UTF8, "the line is not UTF-8"));
    }
    LineCommand command = LineParser.parse(line);
    if (command instanceof LineCommand.Invalid invalid) {
      return error(client, invalid.error());
    }
    Optional<GatewayError> refused = checkToken((LineCommand.Request) command);
    if (refused.isPresent()) {
      return error(client, refused.get());
    }
    try {
      if (command instanceof LineCommand.Restore restore) {
        return restore(restore, client);
      }
      if (command instanceof LineCommand.Status status) {
        return status(status.jobId());
      }
      return queue(((LineCommand.Queue) command).host());
    } catch (WorkflowException | io.grpc.StatusRuntimeException e) {
      log.error("gateway: Temporal did not answer for {}: {}", command, e.getMessage());
      return error(client, new GatewayError(GatewayError.UNAVAILABLE,
          "the Temporal server did not answer; try again, and check `restoreflow server` logs"));
    }
  }

  /** Every request — restore, status, queue — carries the token when one is configured. */
  private Optional<GatewayError> checkToken(LineCommand.Request request) {
    return switch (token.check(request.token())) {
      case ACCEPTED -> Optional.empty();
      case MISSING -> Optional.of(new GatewayError(GatewayError.TOKEN_REQUIRED, "this gateway"
          + " wants token=<shared token> in every line: db_instance=..., token=...;"
          + " status JOB, token=...; queue [HOST], token=..."));
      case WRONG -> Optional.of(new GatewayError(GatewayError.BAD_TOKEN, "wrong token"));
    };
  }

  private LineReply restore(LineCommand.Restore r, String client) {
    RestoreRequest request = RestoreRequest.of(r.instance()).withHost(r.host())
        .withBackupId(r.backupId()).withIncremental(r.incremental()).withFull(r.full())
        .withRequestedVia("nc", client);
    ResolvedRestore resolved;
    try {
      resolved = resolver.resolveRestore(null, request);
      if (r.backupId() != null) {
        request = request.withBackupId(resolver.backupId(r.instance(), r.backupId()));
      }
    } catch (RequestRejectedException e) {
      return error(client, new GatewayError(e.type().name(), e.getMessage()));
    }
    request = request.withHost(resolved.host());
    Submission job;
    try {
      job = restoreflow.submit(request);
    } catch (RequestRejectedException e) {
      return error(client, new GatewayError(e.type().name(), e.getMessage()));
    }
    log.info("gateway: {} from {} -> job {} on {} (queue {})", r, client, job.jobId(),
        resolved.host(), job.queuePosition());
    return LineReply.ok("OK job=" + job.jobId() + " workflow=" + job.workflowId() + " host="
        + resolved.host() + " queue=" + job.queuePosition());
  }

  private LineReply status(String jobId) {
    try {
      RestoreProgress p = restoreflow.progress(jobId);
      StringBuilder out = new StringBuilder("OK job=" + jobId + " state=" + p.state());
      if (p.currentStep() != null) {
        out.append(" step=").append(p.currentStep());
      }
      if (p.host() != null && !p.state().isFinal()) {
        out.append(" queue=").append(restoreflow.queue(p.host())
            .positionOf(restoreflow.workflowIdOf(jobId)));
      }
      if (p.backupId() != null) {
        out.append(" backup=").append(p.backupId());
      }
      if (p.currentStep() != null && !p.state().isFinal()) {
        Heartbeats.Heartbeat beat = Heartbeats.latest(restoreflow,
            restoreflow.workflowIdOf(jobId));
        String said = beat == null ? null : Heartbeats.said(beat.details());
        if (said != null) {
          out.append(" progress=\"").append(oneLine(said)).append('"');
        }
      }
      if (p.state().isFinal()) {
        out.append(" result=\"").append(oneLine(p.message())).append('"');
        out.append(" data=\"").append(oneLine(p.dataState())).append('"');
      }
      return LineReply.ok(out.toString());
    } catch (WorkflowNotFoundException e) {
      Optional<JobRow> row = ledger.job(jobId);
      if (row.isPresent()) {
        return LineReply.ok("OK job=" + jobId + " state=" + row.get().status()
            + " (from the ledger)"
            + (row.get().error() != null ? " error=\"" + oneLine(row.get().error()) + "\"" : ""));
      }
      return LineReply.error(new GatewayError(GatewayError.UNKNOWN_JOB, "no job '" + jobId + "'"));
    }
  }

  private LineReply queue(String host) {
    List<String> hosts = new ArrayList<>();
    if (host != null) {
      if (!config.hosts().containsKey(host)) {
        return LineReply.error(new GatewayError(GatewayError.UNKNOWN_HOST, "host '" + host
            + "' is not configured; configured: " + names(config.hosts().keySet())));
      }
      hosts.add(host);
    } else {
      hosts.addAll(new TreeSet<>(config.hosts().keySet()));
    }
    List<String> parts = new ArrayList<>();
    for (String h : hosts) {
      QueueState state;
      try {
        state = restoreflow.queue(h);
      } catch (WorkflowNotFoundException e) {
        state = QueueState.empty(h);
      }
      parts.add("host=" + h + " running=" + (state.running() == null ? "-" : entry(state.running()))
          + " waiting=" + state.waiting().size()
          + (state.waiting().isEmpty() ? "" : " next=" + state.waiting().stream()
              .limit(20).map(LineService::entry).collect(Collectors.joining(","))));
    }
    return LineReply.ok("OK " + String.join("; ", parts));
  }

  /** A queue entry as the reply shows it: the job id and its kind, {@code JOB(restore)}. */
  private static String entry(QueueEntry entry) {
    return entry.jobId() + "(" + entry.kindOrRestore() + ")";
  }

  private static LineReply error(String client, GatewayError error) {
    log.info("gateway: {} from {}: {}", error.code(), client, error.reason());
    return LineReply.error(error);
  }

  private static String names(java.util.Set<String> names) {
    return String.join(", ", new TreeSet<>(names));
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n\"]+", " ");
  }
}
