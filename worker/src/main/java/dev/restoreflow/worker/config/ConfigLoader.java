package dev.restoreflow.worker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreflow.activities.config.HostConfig;
import dev.restoreflow.activities.config.InstanceConfig;
import dev.restoreflow.activities.config.RetentionConfig;
import dev.restoreflow.activities.engine.BadSettingException;
import dev.restoreflow.activities.registry.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code config.json}, applies defaults and validates every key; a bad value is reported by
 * its key, never by a stack trace.
 */
public final class ConfigLoader {

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern OS_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  /**
   * Longest stop/start limit: StopCluster may take 2 x (stop + 30) s and StartCluster or Promote
   * (start + 30) + start s, which must stay under the steps' activity timeout (2 h 15 min).
   */
  static final int MAX_COMMAND_SECONDS = 3600;
  /** Each smoke query may take up to 5 min; 20 of them fit in VerifyCluster's timeout. */
  static final int MAX_SMOKE_QUERIES = 20;
  static final String DEFAULT_PG_BIN = "/usr/lib/postgresql/15/bin";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigLoader() {}

  public static RestoreflowConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config", "no config file at " + file.toAbsolutePath()
          + "; copy src/config.example.json there, or give --config");
    } catch (IOException e) {
      throw new ConfigException("config", "cannot read " + file + ": " + e.getMessage());
    }
    return parse(text, file.toAbsolutePath().getParent());
  }

  /** A config whose relative paths (ledger, logDir) are relative to the working directory. */
  public static RestoreflowConfig parse(String text) {
    return parse(text, Path.of("").toAbsolutePath());
  }

  /** @param configDir what relative paths (ledger, logDir) are relative to: the file's directory */
  public static RestoreflowConfig parse(String text, Path configDir) {
    RawConfig raw;
    try {
      raw = JSON.readValue(text, RawConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(path(e), "unknown key '" + e.getPropertyName() + "'; known: "
          + e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      throw new ConfigException(path(e), "bad value: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException("config", "not valid JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    }
    if (raw == null) {
      throw new ConfigException("config", "the file is empty");
    }
    return validate(raw, configDir);
  }

  private static RestoreflowConfig validate(RawConfig raw, Path configDir) {
    Map<String, HostConfig> rawHosts = raw.hosts() == null ? Map.of() : raw.hosts();
    if (rawHosts.isEmpty()) {
      throw new ConfigException("hosts", "at least one host is needed, e.g."
          + " \"hosts\": {\"local\": {\"kind\": \"local\"}}");
    }
    Map<String, HostConfig> hosts = new LinkedHashMap<>();
    rawHosts.forEach((name, host) -> hosts.put(name, host(name, host)));
    Map<String, RawInstance> raws = new LinkedHashMap<>();
    Map<String, Map<String, JsonNode>> sections = new LinkedHashMap<>();
    if (raw.instances() != null) {
      raw.instances().forEach((name, written) -> {
        String key = "instances." + name;
        requireName(key, name);
        sections.put(name, engineSections(key, written));
        raws.put(name, rawInstance(key, written));
      });
    }
    if (raws.isEmpty()) {
      throw new ConfigException("instances", "at least one instance is needed");
    }
    Map<String, InstanceConfig> instances = new LinkedHashMap<>();
    raws.forEach((name, instance) ->
        instances.put(name, instance(name, instance, sections.get(name), hosts)));
    TemporalConfig temporal = raw.temporal() == null ? new TemporalConfig(null, null)
        : raw.temporal();
    if (!temporal.target().matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
      throw new ConfigException("temporal.target", "must be host:port, e.g. 127.0.0.1:7233");
    }
    String ledger = raw.ledger() == null ? "restoreflow-ledger.db" : raw.ledger();
    String logDir = raw.logDir() == null ? "Logs" : raw.logDir();
    Map<String, Path> serverFiles = new LinkedHashMap<>();
    serverFiles.put("ledger", configDir.resolve(ledger).normalize());
    serverFiles.put("logDir", configDir.resolve(logDir).normalize());
    DataDirChecks.check(instances, raws, serverFiles);
    ScratchPlace.checkAll(instances);
    return new RestoreflowConfig(temporal, ledger, logDir, hosts, instances,
        lineGateway(raw.lineGateway()), http(raw.http()), nats(raw.nats(), instances));
  }

  private static final Pattern SUBJECT_TOKEN = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final int MAX_NATS_REQUEST_SECONDS = 300;

  /** The NATS gateway; null (the key absent) = none. */
  private static NatsConfig nats(NatsConfig n, Map<String, InstanceConfig> instances) {
    if (n == null) {
      return null;
    }
    String key = "nats";
    String url = n.url() == null ? NatsConfig.DEFAULT_URL : n.url();
    if (!url.matches("(nats|tls)://[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
      throw new ConfigException(key + ".url", "must be nats://host:port or tls://host:port, e.g. "
          + NatsConfig.DEFAULT_URL + " (credentials go in userEnv/passwordEnv, tokenEnv or"
          + " credsFile, never in the url)");
    }
    if (n.instance() == null || !instances.containsKey(n.instance())) {
      throw new ConfigException(key + ".instance", "must name a configured instance ("
          + String.join(", ", instances.keySet()) + "): the one whose tables the subjects back up");
    }
    String prefix = n.subjectPrefix() == null ? NatsConfig.DEFAULT_PREFIX : n.subjectPrefix();
    for (String token : prefix.split("\\.", -1)) {
      if (!SUBJECT_TOKEN.matcher(token).matches()) {
        throw new ConfigException(key + ".subjectPrefix", "must be subject tokens of letters,"
            + " digits, _ and - separated by single dots (no wildcards, no $, no spaces), e.g."
            + " backup or prod.backup");
      }
    }
    String serviceName = n.serviceName() == null ? NatsConfig.DEFAULT_SERVICE_NAME
        : n.serviceName();
    if (!SUBJECT_TOKEN.matcher(serviceName).matches()) {
      throw new ConfigException(key + ".serviceName", "must be letters, digits, _ and - only"
          + " (the NATS services framework's rule)");
    }
    envName(key + ".userEnv", n.userEnv());
    envName(key + ".passwordEnv", n.passwordEnv());
    envName(key + ".tokenEnv", n.tokenEnv());
    if ((n.userEnv() == null) != (n.passwordEnv() == null)) {
      throw new ConfigException(key + (n.userEnv() == null ? ".userEnv" : ".passwordEnv"),
          "userEnv and passwordEnv go together");
    }
    int ways = (n.userEnv() != null ? 1 : 0) + (n.tokenEnv() != null ? 1 : 0)
        + (n.credsFile() != null ? 1 : 0);
    if (ways > 1) {
      throw new ConfigException(key, "give one way to log in: userEnv + passwordEnv, tokenEnv,"
          + " or credsFile");
    }
    String creds = absolute(key + ".credsFile", n.credsFile(), false);
    NatsConfig.NatsTlsConfig tls = n.tls();
    if (tls != null) {
      if ((tls.certFile() == null) != (tls.keyFile() == null)) {
        throw new ConfigException(key + ".tls." + (tls.certFile() == null ? "certFile"
            : "keyFile"), "certFile and keyFile go together");
      }
      tls = new NatsConfig.NatsTlsConfig(absolute(key + ".tls.caFile", tls.caFile(), false),
          absolute(key + ".tls.certFile", tls.certFile(), false),
          absolute(key + ".tls.keyFile", tls.keyFile(), false));
    }
    int timeout = positive(key + ".requestTimeoutSeconds", n.requestTimeoutSeconds(),
        NatsConfig.DEFAULT_REQUEST_TIMEOUT_SECONDS);
    if (timeout > MAX_NATS_REQUEST_SECONDS) {
      throw new ConfigException(key + ".requestTimeoutSeconds", "must be 1-"
          + MAX_NATS_REQUEST_SECONDS);
    }
    return new NatsConfig(url, n.instance(), prefix, serviceName, n.userEnv(), n.passwordEnv(),
        n.tokenEnv(), creds, tls, timeout);
  }

  private static void envName(String key, String name) {
    if (name != null && !ENV_NAME.matcher(name).matches()) {
      throw new ConfigException(key, "must name an environment variable (A-Z, 0-9, _)");
    }
  }

  private static HttpConfig http(HttpConfig h) {
    HttpConfig d = HttpConfig.defaults();
    if (h == null) {
      return d;
    }
    String key = "http";
    String bind = h.bind() == null ? d.bind() : h.bind();
    try {
      IpBlock.address(bind);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ".bind", e.getMessage());
    }
    int port = h.port() == null ? d.port() : h.port();
    if (port < 0 || port > 65535) {
      throw new ConfigException(key + ".port", "must be 0-65535 (0 = any free port)");
    }
    if (h.tokenEnv() != null && !h.tokenEnv().matches("[A-Z_][A-Z0-9_]*")) {
      throw new ConfigException(key + ".tokenEnv", "must name an environment variable");
    }
    int threads = positive(key + ".threads", h.threads(), d.threads());
    if (threads < 2) {
      throw new ConfigException(key + ".threads", "must be at least 2");
    }
    int maxStreams = positive(key + ".maxStreams", h.maxStreams(), Math.min(d.maxStreams(),
        Math.max(1, threads / 2)));
    if (maxStreams >= threads) {
      throw new ConfigException(key + ".maxStreams", "must be less than http.threads (" + threads
          + "), so that requests that follow jobs leave threads for the others");
    }
    return new HttpConfig(h.enabled() == null ? d.enabled() : h.enabled(), bind, port,
        h.tokenEnv(), threads,
        positive(key + ".maxQueuedRequests", h.maxQueuedRequests(), d.maxQueuedRequests()),
        positive(key + ".maxConnections", h.maxConnections(), d.maxConnections()),
        positive(key + ".maxBodyBytes", h.maxBodyBytes(), d.maxBodyBytes()),
        positive(key + ".readTimeoutSeconds", h.readTimeoutSeconds(), d.readTimeoutSeconds()),
        maxStreams,
        positive(key + ".streamSeconds", h.streamSeconds(), d.streamSeconds()));
  }

  private static LineGatewayConfig lineGateway(LineGatewayConfig g) {
    LineGatewayConfig d = LineGatewayConfig.defaults();
    if (g == null) {
      return d;
    }
    String key = "lineGateway";
    String bind = g.bind() == null ? d.bind() : g.bind();
    try {
      IpBlock.address(bind);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ".bind", e.getMessage());
    }
    int port = g.port() == null ? d.port() : g.port();
    if (port < 0 || port > 65535) {
      throw new ConfigException(key + ".port", "must be 0-65535 (0 = any free port)");
    }
    if (g.tokenEnv() != null && !g.tokenEnv().matches("[A-Z_][A-Z0-9_]*")) {
      throw new ConfigException(key + ".tokenEnv", "must name an environment variable");
    }
    List<String> allow = g.allow() == null ? List.of() : g.allow();
    for (int i = 0; i < allow.size(); i++) {
      try {
        IpBlock.block(String.valueOf(allow.get(i)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".allow[" + i + "]", e.getMessage());
      }
    }
    return new LineGatewayConfig(g.enabled() == null ? d.enabled() : g.enabled(), bind, port,
        g.tokenEnv(), List.copyOf(allow),
        positive(key + ".maxConnections", g.maxConnections(), d.maxConnections()),
        positive(key + ".idleTimeoutSeconds", g.idleTimeoutSeconds(), d.idleTimeoutSeconds()),
        positive(key + ".lingerSeconds", g.lingerSeconds(), d.lingerSeconds()),
        positive(key + ".maxLineBytes", g.maxLineBytes(), d.maxLineBytes()));
  }

  private static HostConfig host(String name, HostConfig h) {
    String key = "hosts." + name;
    requireName(key, name);
    if (h == null || HostConfig.LOCAL.equals(h.kind())) {
      return new HostConfig(HostConfig.LOCAL);
    }
    if (!HostConfig.SSH.equals(h.kind())) {
      throw new ConfigException(key + ".kind", "must be \"local\" or \"ssh\"");
    }
    if (h.address() == null || !h.address().matches("[A-Za-z0-9:][A-Za-z0-9.:\\-]*")) {
      throw new ConfigException(key + ".address", "an ssh host needs an address: a name or IP"
          + " of letters, digits, . : - (not starting with -)");
    }
    int port = h.port() == null ? 22 : h.port();
    if (port < 1 || port > 65535) {
      throw new ConfigException(key + ".port", "must be 1-65535");
    }
    if (h.user() == null || !OS_USER.matcher(h.user()).matches()) {
      throw new ConfigException(key + ".user", "an ssh host needs the user to log in as");
    }
    String privateKey = absolute(key + ".privateKey", h.privateKey(), true);
    String knownHosts = absolute(key + ".knownHosts", h.knownHosts() == null
        ? System.getProperty("user.home") + "/.ssh/known_hosts" : h.knownHosts(), true);
    if (h.passphraseEnv() != null && !h.passphraseEnv().matches("[A-Z_][A-Z0-9_]*")) {
      throw new ConfigException(key + ".passphraseEnv", "must name an environment variable");
    }
    return new HostConfig(HostConfig.SSH, h.address(), port, h.user(), privateKey,
        h.passphraseEnv(), knownHosts, Boolean.TRUE.equals(h.acceptNewHostKeys()),
        positive(key + ".connectTimeoutSeconds", h.connectTimeoutSeconds(), 15));
  }

  private static InstanceConfig instance(String name, RawInstance i,
      Map<String, JsonNode> sections, Map<String, HostConfig> hosts) {
    String key = "instances." + name;
    String engine = i.engine() == null ? Engines.DEFAULT : i.engine();
    if (!Engines.standard().names().contains(engine)) {
      throw new ConfigException(key + ".engine", "'" + engine + "' is not supported; use one of "
          + Engines.standard().names());
    }
    if (i.host() == null || !hosts.containsKey(i.host())) {
      throw new ConfigException(key + ".host", "must name a configured host (" + hosts.keySet()
          + ")");
    }
    boolean hasDataDirectory = Engines.standard().named(engine).hasDataDirectory();
    if (!hasDataDirectory && (i.pgdata() != null || i.controlDir() != null
        || i.serverLog() != null || i.systemdUnit() != null)) {
      throw new ConfigException(key + "." + (i.pgdata() != null ? "pgdata"
          : i.controlDir() != null ? "controlDir" : i.serverLog() != null ? "serverLog"
          : "systemdUnit"), "engine " + engine + " works through the database server and has"
          + " no data directory; remove the key");
    }
    String pgdata = hasDataDirectory ? absolute(key + ".pgdata", i.pgdata(), true) : null;
    if (pgdata != null && Path.of(pgdata).getNameCount() < 2) {
      throw new ConfigException(key + ".pgdata", "must be at least two levels below /");
    }
    int port = i.port() == null ? 5432 : i.port();
    if (port < 1 || port > 65535) {
      throw new ConfigException(key + ".port", "must be 1-65535");
    }
    String osUser = i.osUser() == null ? "postgres" : i.osUser();
    if (!OS_USER.matcher(osUser).matches()) {
      throw new ConfigException(key + ".osUser", "'" + osUser + "' is not an OS user name");
    }
    if (osUser.equals("root")) {
      throw new ConfigException(key + ".osUser", "'root' is refused: WipeData and pg_ctl run as"
          + " this user; give the user that owns pgdata (e.g. postgres)");
    }
    List<String> restoreHosts = restoreHosts(key + ".restoreHosts",
        i.restoreHosts() == null ? List.of() : i.restoreHosts(), hosts);
    String pgBin = absolute(key + ".pgBin", i.pgBin() == null ? DEFAULT_PG_BIN : i.pgBin(), true);
    String serverLog = i.serverLog() != null ? absolute(key + ".serverLog", i.serverLog(), true)
        : pgdata == null ? null
        : Path.of(pgdata).getParent().resolve(name + "-server.log").toString();
    List<String> smoke = smokeQueries(key + ".smokeQueries", i.smokeQueries());
    InstanceConfig common = new InstanceConfig(engine, i.host(), pgdata,
        i.controlDir() == null ? null : absolute(key + ".controlDir", i.controlDir(), true),
        i.systemdUnit(), port, osUser, pgBin, serverLog,
        i.connectHost() == null ? "127.0.0.1" : i.connectHost(),
        i.database() == null ? "postgres" : i.database(),
        i.dbUser() == null ? osUser : i.dbUser(), smoke,
        Boolean.TRUE.equals(i.keepArchiving()), !Boolean.FALSE.equals(i.promote()),
        commandSeconds(key + ".stopTimeoutSeconds", i.stopTimeoutSeconds(), 60),
        commandSeconds(key + ".startTimeoutSeconds", i.startTimeoutSeconds(), 300),
        null, restoreHosts, retention(key + ".retention", i.retention()),
        ScratchPlace.check(key + ".scratch", i.scratch(), pgdata, port),
        ApprovalSettings.check(key + ".approval", i.approval()));
    for (String section : sections.keySet()) {
      if (!section.equals(engine)) {
        throw new ConfigException(key + "." + section, "is the section of engine " + section
            + ", and this instance's engine is " + engine + "; remove the section, or set"
            + " \"engine\": \"" + section + "\"");
      }
    }
    try {
      return common.withSettings(Engines.standard().named(engine)
          .checkSettings(key + "." + engine, name, common, sections.get(engine)));
    } catch (BadSettingException e) {
      throw new ConfigException(e.key(), e.getMessage());
    }
  }

  /** The engine sections an instance has: its keys named after an engine restoreflow has. */
  private static Map<String, JsonNode> engineSections(String key, JsonNode written) {
    if (written == null || written.isNull()) {
      throw new ConfigException(key, "is empty");
    }
    if (!written.isObject()) {
      throw new ConfigException(key, "must be an object {...}");
    }
    Map<String, JsonNode> sections = new LinkedHashMap<>();
    for (String engine : Engines.standard().names()) {
      if (written.has(engine)) {
        sections.put(engine, written.get(engine));
      }
    }
    return sections;
  }

  /** The instance's common keys: all but its engine sections. */
  private static RawInstance rawInstance(String key, JsonNode written) {
    ObjectNode common = ((ObjectNode) written).deepCopy();
    common.remove(Engines.standard().names());
    try {
      return JSON.treeToValue(common, RawInstance.class);
    } catch (UnrecognizedPropertyException e) {
      List<String> known = new ArrayList<>(e.getKnownPropertyIds().stream().map(String::valueOf)
          .toList());
      known.addAll(Engines.standard().names());
      throw new ConfigException(key + "." + e.getPropertyName(), "unknown key '"
          + e.getPropertyName() + "'; known: " + known.stream().sorted()
              .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      throw new ConfigException(key + "." + path(e), "bad value: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(key, "bad value: " + e.getOriginalMessage());
    }
  }

  private static RetentionConfig retention(String key, RetentionConfig retention) {
    if (retention == null) {
      return RetentionConfig.defaults();
    }
    try {
      retention.policy(null, null, null, null);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
    try {
      retention.zone();
    } catch (java.time.DateTimeException e) {
      throw new ConfigException(key + ".timeZone", "'" + retention.timeZone() + "' is not a time"
          + " zone (e.g. UTC, Europe/Madrid)");
    }
    return retention;
  }

  /** The hosts the instance may be restored onto; its own host is always one of them. */
  private static List<String> restoreHosts(String key, List<String> listed,
      Map<String, HostConfig> hosts) {
    for (String host : listed) {
      if (host == null || !hosts.containsKey(host)) {
        throw new ConfigException(key, "'" + host + "' is not a configured host (configured: "
            + String.join(", ", hosts.keySet()) + ")");
      }
    }
    return listed;
  }

  private static List<String> smokeQueries(String key, List<String> queries) {
    if (queries == null) {
      return List.of("select 1");
    }
    if (queries.size() > MAX_SMOKE_QUERIES) {
      throw new ConfigException(key, "at most " + MAX_SMOKE_QUERIES + " queries (each may take"
          + " 5 min, and VerifyCluster must end within its timeout); got " + queries.size());
    }
    if (queries.contains(null)) {
      throw new ConfigException(key, "a query is null");
    }
    return List.copyOf(queries);
  }

  private static int commandSeconds(String key, Integer value, int fallback) {
    int v = value == null ? fallback : value;
    if (v < 1 || v > MAX_COMMAND_SECONDS) {
      throw new ConfigException(key, "must be 1-" + MAX_COMMAND_SECONDS + " (seconds), so that"
          + " the step ends within its activity timeout; got " + v);
    }
    return v;
  }

  private static void requireName(String key, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigException(key, "'" + name + "' is not a valid name (letters, digits, _ . -)");
    }
  }

  private static String absolute(String key, String value, boolean required) {
    if (value == null) {
      if (required) {
        throw new ConfigException(key, "is required");
      }
      return null;
    }
    Path path = Path.of(value);
    if (!path.isAbsolute() || !path.normalize().toString().equals(value.replaceAll("/+$", ""))) {
      throw new ConfigException(key, "must be an absolute, normalized path (got '" + value + "')");
    }
    return path.normalize().toString();
  }

  private static int positive(String key, Integer value, int fallback) {
    int v = value == null ? fallback : value;
    if (v < 1) {
      throw new ConfigException(key, "must be at least 1");
    }
    return v;
  }

  private static String path(JsonMappingException e) {
    String key = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
    return key.isEmpty() ? "config" : key;
  }

  /** The file as written; defaults are filled in by {@link #validate}. */
  record RawConfig(TemporalConfig temporal, String ledger, String logDir,
      Map<String, HostConfig> hosts, Map<String, JsonNode> instances,
      LineGatewayConfig lineGateway, HttpConfig http, NatsConfig nats) {}
}
