package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.gateway.config.RouteSettings;
import dev.bastion.guard.Policy;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.denylist.DenyListScanner;
import dev.bastion.guard.exfiltration.ExfiltrationScanner;
import dev.bastion.guard.secrets.SecretsScanner;
import dev.bastion.guard.structure.StructureScanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route with its scanners built and its policy compiled, ready for requests. Built once at start-up, so an
 * unknown scanner id is a start-up error. Immutable and thread-safe.
 *
 * @param settings the route's configuration
 * @param inputScanners scanners run on requests, {@code structure} first
 * @param outputScanners scanners run on answers
 * @param policy what findings mean on this route
 */
public record CompiledRoute(RouteSettings settings, List<Scanner> inputScanners, List<Scanner> outputScanners,
        Policy policy) {

    /** The scanner ids this build knows. */
    public static final List<String> KNOWN_SCANNERS = List.of(StructureScanner.ID, DenyListScanner.ID, SecretsScanner.ID,
            ExfiltrationScanner.ID, dev.bastion.guard.injection.InjectionScanner.ID, ToolContentScanner.TOOL_INJECTION,
            dev.bastion.guard.pii.PiiScanner.ID);

    /**
     * Personal data with a fixed shape that identifies a person or an account and means nothing to a model's answer:
     * on a route with the {@code pii} scanner these are pseudonymised when the request goes to a cloud model and
     * kept as written for a local one ({@code pseudonymise-cloud}), unless the route's {@code actions} say otherwise.
     * Names, places, organisations, dates and ages are not here: replacing "Isaac Newton" ruins the answer about
     * him, so they are a route's choice.
     */
    public static final List<String> STRUCTURED_IDENTIFIERS = List.of("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD",
            "IBAN_CODE", "US_SSN", "UK_NINO", "ES_NIF", "IT_FISCAL_CODE", "FR_NIR", "DE_TAX_ID", "IN_AADHAAR", "IN_PAN",
            "CA_SIN", "US_DRIVER_LICENSE", "US_BANK_NUMBER", "STREET_ADDRESS", "MEDICAL_RECORD_NUMBER",
            "HEALTH_PLAN_NUMBER", "ACCOUNT_NUMBER", "LICENSE_NUMBER", "MEDICAL_LICENSE", "VEHICLE_ID", "DEVICE_ID",
            "ID_NUMBER");

    /** The secret rules are loaded once and shared by every route (the scanner is immutable). */
    private static final class BuiltIn {
        static final SecretsScanner SECRETS = SecretsScanner.builtIn();
        static final Map<dev.bastion.guard.pii.PiiMode, dev.bastion.guard.pii.PiiScanner> PII = new java.util.EnumMap<>(
                Map.of(dev.bastion.guard.pii.PiiMode.BALANCED,
                        dev.bastion.guard.pii.PiiScanner.defaults(dev.bastion.guard.pii.PiiMode.BALANCED),
                        dev.bastion.guard.pii.PiiMode.RECALL,
                        dev.bastion.guard.pii.PiiScanner.defaults(dev.bastion.guard.pii.PiiMode.RECALL)));
    }

    /**
     * The pii scanners with the contextual stage ({@code guard.pii-context: true}): the MiniLM token encoder (one
     * ONNX Runtime thread per call, as many calls at once as cores; a caller waits for a free one, so findings do not depend on load)
     * and the shipped classifier, loaded on first use.
     */
    private static final class ContextPii {
        static final dev.bastion.guard.pii.ContextStage STAGE = new dev.bastion.guard.pii.ContextStage(
                dev.bastion.guard.pii.ContextStage.shippedModel(),
                new dev.bastion.gateway.embeddings.MiniLmTokenVectors(1, Runtime.getRuntime().availableProcessors()),
                dev.bastion.guard.pii.ContextStage.DEFAULT_COMBINE);
        static final Map<dev.bastion.guard.pii.PiiMode, dev.bastion.guard.pii.PiiScanner> PII = new java.util.EnumMap<>(
                Map.of(dev.bastion.guard.pii.PiiMode.BALANCED,
                        BuiltIn.PII.get(dev.bastion.guard.pii.PiiMode.BALANCED).withContext(STAGE),
                        dev.bastion.guard.pii.PiiMode.RECALL,
                        BuiltIn.PII.get(dev.bastion.guard.pii.PiiMode.RECALL).withContext(STAGE)));
    }

    /** The injection model and rules, loaded on first use (about 1 MB). */
    private static final class Injection {
        static final dev.bastion.guard.injection.InjectionModel MODEL = dev.bastion.guard.injection.InjectionModel.builtIn();
        static final dev.bastion.guard.injection.InjectionRules RULES = dev.bastion.guard.injection.InjectionRules.builtIn();
    }

    public CompiledRoute {
        inputScanners = List.copyOf(inputScanners);
        outputScanners = List.copyOf(outputScanners);
    }

    public String name() {
        return settings.name();
    }

    /**
     * Builds every route of the config.
     *
     * @throws IllegalArgumentException naming the route and key of an unknown scanner or a bad deny pattern
     */
    public static List<CompiledRoute> compileAll(List<RouteSettings> routes, GuardSettings guard) {
        return compileAll(routes, guard, java.util.Optional.empty());
    }

    /** As above, with the sentence encoder the injection scanner uses when {@code guard.injection-embeddings} is on. */
    public static List<CompiledRoute> compileAll(List<RouteSettings> routes, GuardSettings guard,
            java.util.Optional<dev.bastion.guard.injection.SentenceEncoder> encoder) {
        List<CompiledRoute> compiled = new ArrayList<>();
        for (RouteSettings r : routes) {
            compiled.add(compile(r, guard, encoder));
        }
        return List.copyOf(compiled);
    }

    /** The scanners the moderation model runs, in order: every detector whose findings are a moderation category. */
    static final List<String> MODERATION_SCANNERS = List.of(SecretsScanner.ID, dev.bastion.guard.pii.PiiScanner.ID,
            dev.bastion.guard.injection.InjectionScanner.ID, ExfiltrationScanner.ID);

    /**
     * The scanner set of the moderation model ({@code /v1/moderations}): secrets, PII, prompt injection (direct, or
     * indirect for content marked as tool content) and exfiltration, built exactly as a route's are. Thresholds,
     * {@code pii-mode} and {@code allowed-link-hosts} come from {@code like}, the route that covers the moderation
     * model's name, when there is one, so moderation judges as that route would; otherwise the built-in defaults.
     */
    public static CompiledRoute forModeration(String modelName, java.util.Optional<RouteSettings> like, GuardSettings guard,
            java.util.Optional<dev.bastion.guard.injection.SentenceEncoder> encoder) {
        RouteSettings base = like.orElseGet(() -> new RouteSettings("moderation", List.of(modelName), true, List.of(),
                List.of(), Map.of(), dev.bastion.guard.Action.ALLOW, java.util.Optional.empty(), List.of()));
        RouteSettings settings = new RouteSettings("moderation", List.of(modelName), true, MODERATION_SCANNERS,
                List.of(), Map.of(), dev.bastion.guard.Action.ALLOW, java.util.Optional.empty(), List.of(),
                dev.bastion.gateway.config.Storage.OFF, base.retention(), base.contentRetention(),
                base.allowedLinkHosts(), false, base.injectionThreshold(), base.indirectInjectionThreshold(),
                base.pseudonyms(), base.piiMode());
        return compile(settings, guard, encoder);
    }

    static CompiledRoute compile(RouteSettings r, GuardSettings guard) {
        return compile(r, guard, java.util.Optional.empty());
    }

    static CompiledRoute compile(RouteSettings r, GuardSettings guard,
            java.util.Optional<dev.bastion.guard.injection.SentenceEncoder> encoder) {
        Map<String, Scanner> available = new LinkedHashMap<>();
        available.put(StructureScanner.ID, new StructureScanner(guard.maxMessages(), guard.maxMessageChars()));
        try {
            available.put(DenyListScanner.ID, DenyListScanner.of(r.denyPatterns()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("routes[" + r.name() + "].deny-patterns: " + e.getMessage(), e);
        }
        if (r.inputScanners().contains(SecretsScanner.ID) || r.outputScanners().contains(SecretsScanner.ID)) {
            available.put(SecretsScanner.ID, BuiltIn.SECRETS);
        }
        available.put(ExfiltrationScanner.ID, new ExfiltrationScanner(r.allowedLinkHosts()));
        if (uses(r, dev.bastion.guard.pii.PiiScanner.ID)) {
            available.put(dev.bastion.guard.pii.PiiScanner.ID,
                    (guard.piiContext() ? ContextPii.PII : BuiltIn.PII).get(r.piiMode()));
        }
        if (uses(r, dev.bastion.guard.injection.InjectionScanner.ID) || uses(r, ToolContentScanner.TOOL_INJECTION)) {
            java.util.Optional<dev.bastion.guard.injection.SentenceEncoder> enc = guard.injectionEmbeddings()
                    ? encoder : java.util.Optional.empty();
            boolean embeddings = enc.isPresent();
            available.put(dev.bastion.guard.injection.InjectionScanner.ID, new dev.bastion.guard.injection.InjectionScanner(
                    Injection.MODEL, Injection.RULES, enc,
                    r.injectionThreshold().orElse(Injection.MODEL.threshold(embeddings)),
                    r.indirectInjectionThreshold().orElse(Injection.MODEL.indirectThreshold(embeddings)),
                    java.util.Optional.of(dev.bastion.guard.injection.CarriedInstructions.builtIn())));
            available.put(ToolContentScanner.TOOL_INJECTION, new ToolContentScanner(ToolContentScanner.TOOL_INJECTION,
                    available.get(dev.bastion.guard.injection.InjectionScanner.ID)));
        }
        List<Scanner> input = new ArrayList<>();
        input.add(available.get(StructureScanner.ID));
        for (String id : r.inputScanners()) {
            if (!id.equals(StructureScanner.ID)) {
                input.add(lookup(available, id, r.name(), "input-scanners"));
            }
        }
        List<Scanner> output = new ArrayList<>();
        for (String id : r.outputScanners()) {
            output.add(lookup(available, id, r.name(), "output-scanners"));
        }
        return new CompiledRoute(r, input, output, new Policy(withBlockingDefaults(r), r.defaultAction()));
    }

    /**
     * Structural, deny-list, secret and injection findings block, structured identifiers are pseudonymised on the
     * way to a cloud model, and exfiltrating markdown is redacted, unless the route says otherwise: a malformed
     * request, a denied term, a credential or an e-mail address is never passed on by default.
     */
    private static Map<String, dev.bastion.guard.Action> withBlockingDefaults(RouteSettings r) {
        Map<String, dev.bastion.guard.Action> actions = new LinkedHashMap<>();
        for (String type : List.of("TOO_MANY_MESSAGES", "MESSAGE_TOO_LARGE", "CONTROL_CHARACTER", "INVALID_UNICODE",
                StructureScanner.TAG_CHARACTER, DenyListScanner.TYPE)) {
            actions.put(type, dev.bastion.guard.Action.BLOCK);
        }
        if (r.inputScanners().contains(SecretsScanner.ID) || r.outputScanners().contains(SecretsScanner.ID)) {
            BuiltIn.SECRETS.blockingTypes().forEach(type -> actions.put(type, dev.bastion.guard.Action.BLOCK));
        }
        if (uses(r, dev.bastion.guard.pii.PiiScanner.ID)) {
            STRUCTURED_IDENTIFIERS.forEach(type -> actions.put(type, dev.bastion.guard.Action.PSEUDONYMISE_CLOUD));
        }
        actions.put(dev.bastion.guard.injection.InjectionScanner.DIRECT, dev.bastion.guard.Action.BLOCK);
        actions.put(dev.bastion.guard.injection.InjectionScanner.INDIRECT, dev.bastion.guard.Action.BLOCK);
        // An exfiltrating image or link is removed from the answer rather than failing it.
        actions.put(ExfiltrationScanner.IMAGE, dev.bastion.guard.Action.REDACT);
        actions.put(ExfiltrationScanner.LINK, dev.bastion.guard.Action.REDACT);
        actions.putAll(r.actions());
        return actions;
    }

    private static boolean uses(RouteSettings r, String scannerId) {
        return r.inputScanners().contains(scannerId) || r.outputScanners().contains(scannerId);
    }

    private static Scanner lookup(Map<String, Scanner> available, String id, String route, String key) {
        Scanner s = available.get(id);
        if (s == null) {
            throw new IllegalArgumentException("routes[" + route + "]." + key + ": unknown scanner '" + id
                    + "'; this build has " + String.join(", ", KNOWN_SCANNERS));
        }
        return s;
    }

    /** The hold-back window a stream needs on this route so output scanners see matches across chunks. */
    public int streamWindow(GuardSettings guard) {
        int window = guard.streamWindowChars();
        for (Scanner s : outputScanners) {
            if (s instanceof DenyListScanner d) {
                window = Math.max(window, Math.min(4096, d.longestPatternLength()));
            }
            if (s instanceof ExfiltrationScanner) {
                window = Math.max(window, 2200); // a whole markdown image or link, URL included
            }
        }
        return outputScanners.isEmpty() ? 0 : window;
    }
}
