package dev.bastion.gateway.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole effective configuration of a gateway, after the file, environment and flags are merged.
 *
 * <p>Built by {@link ConfigLoader}; every key and default is documented in {@code bastion-reference.yaml}.
 * The records check themselves, so an instance is always valid. Immutable.
 */
public record GatewayConfig(
        Path dataDir,
        ServerSettings server,
        StoreSettings store,
        LimitSettings limits,
        GuardSettings guard,
        EmbeddingSettings embeddings,
        AuditSettings audit,
        ConversationSettings conversations,
        AbuseSettings abuse,
        ModelSecuritySettings modelSecurity,
        LocalEngineSettings localEngine,
        TelemetrySettings telemetry,
        ClusterSettings cluster,
        ConsoleSettings console,
        List<ModelSettings> models,
        List<RouteSettings> routes,
        List<dev.bastion.privacy.fairness.monitor.MonitorSettings> fairnessMonitors) {

    /**
     * Where local models' weights, as the engine's kernels lay them out, are kept between starts
     * ({@code local-engine.weight-cache}; {@code bastion model clear-cache} empties it).
     */
    public Path weightCacheDir() {
        return dataDir.resolve("cache").resolve("repacked");
    }

    public GatewayConfig {
        Objects.requireNonNull(dataDir, "data-dir");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(conversations, "conversations");
        Objects.requireNonNull(abuse, "abuse");
        Objects.requireNonNull(modelSecurity, "model-security");
        Objects.requireNonNull(localEngine, "local-engine");
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(console, "console");
        models = List.copyOf(models);
        routes = List.copyOf(routes);
        fairnessMonitors = List.copyOf(fairnessMonitors);
        Set<String> monitorNames = new HashSet<>();
        for (var m : fairnessMonitors) {
            if (!monitorNames.add(m.name())) {
                throw new IllegalArgumentException("fairness-monitors: the name '" + m.name() + "' is declared twice");
            }
        }
        Set<String> names = new HashSet<>();
        for (ModelSettings m : models) {
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("models: the name '" + m.name() + "' is declared twice");
            }
        }
        for (RouteSettings r : routes) {
            r.localModel().ifPresent(local -> {
                if (!names.contains(local)) {
                    throw new IllegalArgumentException("routes[" + r.name() + "].local-model: no model named '" + local + "'");
                }
            });
        }
    }

    public Optional<ModelSettings> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
