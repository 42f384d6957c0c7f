package dev.bastion.gateway.config;

import dev.bastion.store.keys.Limits;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the effective configuration, one {@code key: value} line per setting with where the value came from.
 * Secrets are printed as references ({@code env:NAME}, {@code file:PATH}), never values; the config holds no
 * secret values in the first place.
 */
public final class ConfigPrinter {
    private ConfigPrinter() {
    }

    /** One effective setting: its dotted key, its value as printed (secrets as references) and where it came from. */
    public record Setting(String key, String value, String origin) {
        public Setting {
            if (key == null || key.isBlank() || value == null || origin == null) {
                throw new IllegalArgumentException("a setting has a key, a value and an origin");
            }
        }
    }

    /** Every effective setting, sorted by key. */
    public static java.util.List<Setting> settings(LoadedConfig loaded) {
        return values(loaded).entrySet().stream()
                .map(e -> new Setting(e.getKey(), e.getValue(), originOf(loaded, e.getKey()))).toList();
    }

    public static String print(LoadedConfig loaded) {
        StringBuilder out = new StringBuilder();
        loaded.file().ifPresentOrElse(f -> out.append("# config file: ").append(f).append('\n'),
                () -> out.append("# config file: none (defaults, environment and flags only)\n"));
        settings(loaded).forEach(s -> out.append(s.key()).append(": ").append(s.value()).append("    # ")
                .append(s.origin()).append('\n'));
        return out.toString();
    }

    private static Map<String, String> values(LoadedConfig loaded) {
        GatewayConfig c = loaded.config();
        Map<String, String> values = new TreeMap<>();
        values.put("data-dir", c.dataDir().toString());
        values.put("server.host", c.server().host());
        values.put("server.port", Integer.toString(c.server().port()));
        values.put("server.upstream-client", c.server().upstreamClient());
        values.put("server.max-body-size", c.server().maxBodyBytes() + " bytes");
        values.put("server.max-connections", Integer.toString(c.server().maxConnections()));
        values.put("server.read-timeout", c.server().readTimeout().toString());
        values.put("server.idle-timeout", c.server().idleTimeout().toString());
        values.put("server.shutdown-grace", c.server().shutdownGrace().toString());
        values.put("server.warm-up-requests", Integer.toString(c.server().warmUpRequests()));
        c.server().tls().ifPresent(t -> {
            values.put("server.tls.keystore", t.keystore().toString());
            values.put("server.tls.keystore-password", t.keystorePassword().describe() + "  (secret: reference only)");
        });
        values.put("store.url", c.store().url().isEmpty() ? "(embedded SQLite: " + c.dataDir().resolve("bastion.db") + ")"
                : redactUrl(c.store().url()));
        c.store().username().ifPresent(u -> values.put("store.username", u));
        c.store().password().ifPresent(p -> values.put("store.password", p.describe() + "  (secret: reference only)"));
        values.put("cluster.redis-url", c.cluster().redisUrl().map(java.net.URI::toString)
                .orElse("(none: limits are kept in this process)"));
        values.put("cluster.redis-password-env", c.cluster().redisPassword()
                .map(p -> p instanceof SecretRef.FromEnv e ? e.variable() + "  (secret: reference only)" : "(none)")
                .orElse("(none: no AUTH)"));
        values.put("cluster.redis-password-file", c.cluster().redisPassword()
                .map(p -> p instanceof SecretRef.FromFile f ? f.file() + "  (secret: reference only)" : "(none)")
                .orElse("(none: no AUTH)"));
        values.put("cluster.node-id", c.cluster().nodeId().isEmpty() ? "(host name and pid)" : c.cluster().nodeId());
        values.put("cluster.replicas", Integer.toString(c.cluster().replicas()));
        values.put("cluster.lease-ttl", c.cluster().leaseTtl().toString());
        values.put("cluster.kafka-bootstrap", c.cluster().kafkaBootstrap().orElse("(none)"));
        limits(values, "limits.per-key", c.limits().perKey());
        limits(values, "limits.per-tenant", c.limits().perTenant());
        values.put("guard.max-messages", Integer.toString(c.guard().maxMessages()));
        values.put("guard.max-message-chars", Integer.toString(c.guard().maxMessageChars()));
        values.put("guard.stream-window-chars", Integer.toString(c.guard().streamWindowChars()));
        values.put("guard.stream-padding", Boolean.toString(c.guard().streamPadding()));
        values.put("guard.injection-embeddings", Boolean.toString(c.guard().injectionEmbeddings()));
        values.put("guard.stream-coalesce-bytes", Integer.toString(c.guard().streamCoalesceBytes()));
        values.put("guard.stream-coalesce-interval", c.guard().streamCoalesceInterval().toString());
        values.put("guard.pseudonym-ttl", c.guard().pseudonymTtl().toString());
        values.put("guard.pii-context", Boolean.toString(c.guard().piiContext()));
        values.put("embeddings.enabled", Boolean.toString(c.embeddings().enabled()));
        values.put("embeddings.model-name", c.embeddings().modelName());
        values.put("embeddings.max-inputs", Integer.toString(c.embeddings().maxInputs()));
        values.put("audit.signature-algorithm", c.audit().signatureAlgorithm().configName());
        values.put("audit.checkpoint-every", Integer.toString(c.audit().checkpointEvery()));
        values.put("audit.durability", c.audit().durability().name().toLowerCase(java.util.Locale.ROOT));
        values.put("audit.commit-wait", c.audit().commitWait().toString());
        values.put("conversations.subject-header", c.conversations().subjectHeader());
        values.put("conversations.master-key", switch (c.conversations().masterKey()) {
            case dev.bastion.crypto.Envelope.MasterKeySource.File f -> "file:" + f.path() + "  (secret: reference only)";
            case dev.bastion.crypto.Envelope.MasterKeySource.Env e -> "env:" + e.variable() + "  (secret: reference only)";
            case dev.bastion.crypto.Envelope.MasterKeySource.Command cmd -> "command:" + cmd.command() + "  (secret: reference only)";
        });
        values.put("conversations.purge-interval", c.conversations().purgeInterval().toString());
        values.put("abuse.window", c.abuse().window().toString());
        values.put("abuse.min-requests", Integer.toString(c.abuse().minRequests()));
        values.put("abuse.near-duplicate-share", Double.toString(c.abuse().nearDuplicateShare()));
        values.put("abuse.output-share", Double.toString(c.abuse().outputShare()));
        values.put("abuse.sweep-share", Double.toString(c.abuse().sweepShare()));
        values.put("abuse.volume-requests", Integer.toString(c.abuse().volumeRequests()));
        values.put("model-security.require-signature", Boolean.toString(c.modelSecurity().requireSignature()));
        values.put("model-security.trusted-keys", c.modelSecurity().trustedKeys().toString());
        values.put("model-security.require-assessment", c.modelSecurity().requireAssessment().toString());
        values.put("local-engine.context-size", Integer.toString(c.localEngine().contextSize()));
        values.put("local-engine.slots", Integer.toString(c.localEngine().slots()));
        values.put("local-engine.queue-depth", Integer.toString(c.localEngine().queueDepth()));
        values.put("local-engine.threads", Integer.toString(c.localEngine().threads()));
        values.put("local-engine.max-tokens", Integer.toString(c.localEngine().maxTokens()));
        values.put("local-engine.cache-type", c.localEngine().cacheType().name().toLowerCase(java.util.Locale.ROOT));
        values.put("local-engine.weight-cache", Boolean.toString(c.localEngine().weightCache()));
        values.put("local-engine.load", c.localEngine().lazy() ? LocalEngineSettings.LOAD_LAZILY
                : LocalEngineSettings.LOAD_AT_START);
        values.put("telemetry.otlp-endpoint", c.telemetry().otlpEndpoint().map(java.net.URI::toString)
                .orElse("(none: traces are not exported)"));
        values.put("telemetry.service-name", c.telemetry().serviceName());
        values.put("telemetry.sampling-ratio", Double.toString(c.telemetry().samplingRatio()));
        values.put("logging.format", c.telemetry().logFormat().configName());
        values.put("console.enabled", Boolean.toString(c.console().enabled()));
        values.put("console.host", c.console().host());
        values.put("console.port", Integer.toString(c.console().port()));
        for (int i = 0; i < c.models().size(); i++) {
            ModelSettings m = c.models().get(i);
            String at = "models[" + i + "]";
            values.put(at + ".name", m.name());
            values.put(at + ".backend", m.backend());
            if (m.pool().isEmpty()) {
                m.baseUrl().ifPresent(u -> values.put(at + ".base-url", u.toString()));
            } else {
                values.put(at + ".pool", m.pool().toString());
            }
            m.apiKey().ifPresent(k -> values.put(at + ".api-key", k.describe() + "  (secret: reference only)"));
            values.put(at + ".upstream-model", m.upstreamModel());
            values.put(at + ".location", m.location().configName());
            m.path().ifPresent(p -> values.put(at + ".path", p.toString()));
            values.put(at + ".connect-timeout", m.connectTimeout().toString());
            values.put(at + ".read-timeout", m.readTimeout().toString());
            values.put(at + ".max-retries", Integer.toString(m.maxRetries()));
            values.put(at + ".kind", m.kind().configName());
            if (m.backend().equals(ModelSettings.ANTHROPIC)) {
                values.put(at + ".anthropic-version", m.anthropicVersion());
                values.put(at + ".max-tokens", Integer.toString(m.maxTokens()));
            }
        }
        for (int i = 0; i < c.routes().size(); i++) {
            RouteSettings r = c.routes().get(i);
            String at = "routes[" + i + "]";
            values.put(at + ".name", r.name());
            values.put(at + ".models", r.models().toString());
            values.put(at + ".local-only", Boolean.toString(r.localOnly()));
            values.put(at + ".input-scanners", r.inputScanners().toString());
            values.put(at + ".output-scanners", r.outputScanners().toString());
            values.put(at + ".actions", new TreeMap<>(r.actions()).toString());
            values.put(at + ".default-action", r.defaultAction().configName());
            r.localModel().ifPresent(l -> values.put(at + ".local-model", l));
            values.put(at + ".deny-patterns", r.denyPatterns().size() + " pattern(s)");
            values.put(at + ".storage", r.storage().configName());
            values.put(at + ".retention", r.retention().toString());
            values.put(at + ".content-retention", r.contentRetention().toString());
            values.put(at + ".allowed-link-hosts", r.allowedLinkHosts().toString());
            values.put(at + ".prompt-canary", Boolean.toString(r.promptCanary()));
            values.put(at + ".injection-threshold", r.injectionThreshold().map(String::valueOf).orElse("model default"));
            values.put(at + ".indirect-injection-threshold", r.indirectInjectionThreshold().map(String::valueOf)
                    .orElse("model default"));
            values.put(at + ".pseudonyms", r.pseudonyms().configName());
            values.put(at + ".pii-mode", r.piiMode().configName());
        }
        if (c.fairnessMonitors().isEmpty()) {
            values.put("fairness-monitors", "(none)");
        }
        for (int i = 0; i < c.fairnessMonitors().size(); i++) {
            var m = c.fairnessMonitors().get(i);
            String at = "fairness-monitors[" + i + "]";
            values.put(at + ".name", m.name());
            values.put(at + ".attributes", m.attributes().toString());
            values.put(at + ".window-size", Integer.toString(m.windowSize()));
            values.put(at + ".baseline-windows", Integer.toString(m.baselineWindows()));
            values.put(at + ".bound", Double.toString(m.bound()));
            values.put(at + ".metrics", m.metrics().stream().map(x -> x.configName()).toList().toString());
            values.put(at + ".false-alert-rate", Double.toString(m.falseAlertRate()));
            values.put(at + ".pending-ttl", m.pendingTtl().toString());
            values.put(at + ".max-pending", Integer.toString(m.maxPending()));
            values.put(at + ".max-groups", Integer.toString(m.maxGroups()));
        }
        return values;
    }

    private static void limits(Map<String, String> values, String at, Limits l) {
        values.put(at + ".requests-per-minute", Integer.toString(l.requestsPerMinute()));
        values.put(at + ".tokens-per-minute", Long.toString(l.tokensPerMinute()));
        values.put(at + ".concurrent-requests", Integer.toString(l.concurrentRequests()));
    }

    private static String originOf(LoadedConfig loaded, String key) {
        String direct = loaded.origins().get(key);
        if (direct != null) {
            return direct;
        }
        for (String suffix : new String[] {"-env", "-file"}) {
            String o = loaded.origins().get(key + suffix);
            if (o != null) {
                return o;
            }
        }
        if (key.startsWith("models[") && loaded.origins().keySet().stream().noneMatch(k -> k.startsWith("models["))) {
            return "pulled model in " + loaded.config().dataDir().resolve("models"); // no models declared
        }
        return "default";
    }

    /** Drops any password given inside a JDBC URL's query string. */
    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1[redacted]");
    }

}
