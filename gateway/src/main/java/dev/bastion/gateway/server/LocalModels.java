package dev.bastion.gateway.server;

import dev.bastion.gateway.backend.LocalBackend;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.LocalEngineSettings;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.Parallel;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.models.ModelGate;
import dev.bastion.models.signing.ModelKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * At startup, every local model with a file is put through the {@link ModelGate}: scanned, and its signature
 * verified under the configured policy. Each outcome is an audit event ({@code model.admitted} or {@code
 * model.refused}); refused models answer 503 with the reason. A trusted key file that cannot be read stops the
 * gateway, since the policy could not be applied.
 */
final class LocalModels {
    private static final Logger LOG = Logger.getLogger(LocalModels.class.getName());

    private LocalModels() {
    }

    /**
     * Checks every configured local model, then loads the admitted ones into Bastion's engine. A model that fails
     * to load (a malformed file, an unsupported architecture or tensor type) is refused with the reason, audited, and
     * answers 503; the gateway still starts.
     */
    static LocalBackend load(GatewayConfig config, AuditTrail trail) {
        LocalEngineSettings engine = config.localEngine();
        if (engine.threads() > 0) {
            Parallel.configure(engine.threads());
        }
        if (engine.lazy()) {
            Map<String, LocalBackend.Loader> pending = new LinkedHashMap<>();
            for (ModelSettings m : config.models()) {
                if (m.backend().equals(ModelSettings.LOCAL) && m.path().isPresent()) {
                    pending.put(m.name(), () -> {
                        Map<String, String> refused = check(config, trail, List.of(m));
                        return refused.isEmpty() ? loadOne(m, config, trail)
                                : new LocalBackend.Refused(refused.get(m.name()));
                    });
                }
            }
            return new LocalBackend(Map.of(), Map.of(), pending, engine.maxTokens());
        }
        Map<String, String> refused = new LinkedHashMap<>(check(config, trail, config.models()));
        Map<String, LocalModel> loaded = new LinkedHashMap<>();
        for (ModelSettings m : config.models()) {
            if (!m.backend().equals(ModelSettings.LOCAL) || m.path().isEmpty() || refused.containsKey(m.name())) {
                continue;
            }
            switch (loadOne(m, config, trail)) {
                case LocalBackend.Ready r -> loaded.put(m.name(), r.model());
                case LocalBackend.Refused r -> refused.put(m.name(), r.reason());
            }
        }
        return new LocalBackend(loaded, refused, engine.maxTokens());
    }

    /**
     * Loads and warms up one admitted model (its weights mapped from the weight cache when {@code
     * local-engine.weight-cache} is on); a failure is audited and refused with the reason.
     */
    private static LocalBackend.Loaded loadOne(ModelSettings m, GatewayConfig config, AuditTrail trail) {
        LocalEngineSettings engine = config.localEngine();
        try {
            LocalModel.Options options = new LocalModel.Options(engine.contextSize(), engine.slots(),
                    engine.queueDepth(), engine.cacheType());
            LocalModel model = LocalModel.load(m.path().get(),
                    engine.weightCache() ? options.withWeightCache(config.weightCacheDir()) : options);
            warmUp(model);
            trail.admin(null, "gateway", "model.loaded", m.name() + ": " + model.config().architecture() + ", "
                    + model.config().layers() + " layers, context " + model.contextSize());
            return new LocalBackend.Ready(model);
        } catch (IOException | RuntimeException e) {
            String reason = "cannot load " + m.path().get().getFileName() + ": " + loadFailure(m.path().get(), e);
            trail.admin(null, "gateway", "model.refused", m.name() + ": " + reason);
            LOG.log(java.util.logging.Level.WARNING, "local model '" + m.name() + "' not loaded: " + reason,
                    e instanceof dev.bastion.inference.GgufFormatException ? null : e);
            return new LocalBackend.Refused(reason);
        }
    }

    /**
     * The reason a load failed, as clients see it in the 503: the parser's message without the file's full path
     * (which it starts with, and which clients need not learn), or a pointer to the log for an unexpected failure.
     */
    static String loadFailure(Path path, Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "an unexpected " + (e instanceof IOException ? "I/O" : "internal") + " error (see the gateway log)";
        }
        String prefix = path + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /**
     * Runs a few tokens through the model before the gateway serves, so the JIT has compiled the kernels and the
     * first client does not wait for it (seconds on a 1B model). A failure here is a broken model: refused.
     */
    private static void warmUp(LocalModel model) {
        try {
            model.generate(model.rawPrompt("Hello, world."), new dev.bastion.inference.GenerationRequest(4,
                    List.of(), dev.bastion.inference.SamplingParameters.greedy()), text -> true);
        } catch (dev.bastion.inference.EngineBusyException e) {
            throw new IllegalStateException("warm-up could not get a slot", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming up", e);
        }
    }

    /** Checks the configured local models; returns the refused ones, name to reason. */
    static Map<String, String> check(GatewayConfig config, AuditTrail trail) {
        return check(config, trail, config.models());
    }

    /** Checks {@code models} (the local ones among them) under the config's model-security policy. */
    static Map<String, String> check(GatewayConfig config, AuditTrail trail, List<ModelSettings> models) {
        List<PublicKey> trusted = new ArrayList<>();
        for (Path key : config.modelSecurity().trustedKeys()) {
            try {
                trusted.add(ModelKeys.readPublic(key));
            } catch (IOException e) {
                throw new UncheckedIOException("model-security.trusted-keys: cannot read " + key, e);
            }
        }
        ModelGate.Policy policy = new ModelGate.Policy(config.modelSecurity().requireSignature(), trusted,
                config.modelSecurity().requireAssessment());
        Map<String, String> refused = new LinkedHashMap<>();
        for (ModelSettings m : models) {
            if (!m.backend().equals(ModelSettings.LOCAL) || m.path().isEmpty()) {
                continue;
            }
            ModelGate.Admission a;
            try {
                a = ModelGate.check(m.path().get(), policy);
            } catch (IOException e) {
                a = new ModelGate.Admission.Refused("cannot read the model: " + e.getMessage(),
                        new dev.bastion.models.scan.ScanReport(m.path().get().toString(), Map.of(), Map.of(), List.of()),
                        java.util.Optional.empty());
            }
            switch (a) {
                case ModelGate.Admission.Admitted ok -> trail.admin(null, "gateway", "model.admitted",
                        m.name() + ": " + ok.summary());
                case ModelGate.Admission.Refused no -> {
                    refused.put(m.name(), "refused by the model-security check: " + no.reason());
                    trail.admin(null, "gateway", "model.refused", m.name() + ": " + no.reason());
                    LOG.warning("local model '" + m.name() + "' refused: " + no.reason());
                }
            }
        }
        return refused;
    }
}
