package dev.bastion.gateway.config;

import dev.bastion.guard.Action;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy for requests to a set of models (an entry of {@code routes}); the first route whose {@code models}
 * matches the requested model applies.
 *
 * @param name route name, shown in metrics, errors and audit records
 * @param models model names or globs ({@code *}, {@code gpt-*}) this route covers
 * @param localOnly never send data off the machine: a cloud model on this route is refused
 * @param inputScanners scanner ids run on requests, in order ({@code structure} always runs first)
 * @param outputScanners scanner ids run on answers, streamed or not
 * @param actions what each finding type does
 * @param defaultAction what finding types not in {@code actions} do
 * @param localModel model to use instead when policy forces a request local
 * @param denyPatterns RE2 patterns for the {@code deny-list} scanner
 * @param storage what is kept of this route's conversations
 * @param retention how long stored conversations (their metadata) are kept
 * @param contentRetention how long their content is kept; at most {@code retention}
 * @param allowedLinkHosts hosts answers may link or embed images from (the {@code exfiltration} scanner)
 * @param promptCanary plant a per-request canary in the system prompt and refuse answers that repeat it
 * @param pseudonyms what pseudonymised values look like upstream: tags or realistic fakes
 * @param piiMode how eagerly the {@code pii} scanner reports: balanced (precision, for text going to a model) or
 *     recall (de-identification)
 */
public record RouteSettings(String name, List<String> models, boolean localOnly, List<String> inputScanners,
        List<String> outputScanners, Map<String, Action> actions, Action defaultAction, Optional<String> localModel,
        List<String> denyPatterns, Storage storage, java.time.Duration retention, java.time.Duration contentRetention,
        List<String> allowedLinkHosts, boolean promptCanary, Optional<Double> injectionThreshold,
        Optional<Double> indirectInjectionThreshold, dev.bastion.guard.pseudonym.Style pseudonyms,
        dev.bastion.guard.pii.PiiMode piiMode) {

    /** A route that stores nothing. */
    public RouteSettings(String name, List<String> models, boolean localOnly, List<String> inputScanners,
            List<String> outputScanners, Map<String, Action> actions, Action defaultAction, Optional<String> localModel,
            List<String> denyPatterns) {
        this(name, models, localOnly, inputScanners, outputScanners, actions, defaultAction, localModel, denyPatterns,
                Storage.OFF, java.time.Duration.ofDays(30), java.time.Duration.ofDays(30), List.of(), false,
                Optional.empty(), Optional.empty(), dev.bastion.guard.pseudonym.Style.TAG,
                dev.bastion.guard.pii.PiiMode.BALANCED);
    }

    public RouteSettings {
        Objects.requireNonNull(name, "routes[].name");
        String key = "routes[" + name + "]";
        models = List.copyOf(Objects.requireNonNull(models, key + ".models"));
        if (models.isEmpty()) {
            throw new IllegalArgumentException(key + ".models must list at least one model or glob");
        }
        inputScanners = List.copyOf(inputScanners);
        outputScanners = List.copyOf(outputScanners);
        actions = Map.copyOf(actions);
        Objects.requireNonNull(defaultAction, key + ".default-action");
        Objects.requireNonNull(localModel, key + ".local-model");
        denyPatterns = List.copyOf(denyPatterns);
        Objects.requireNonNull(storage, key + ".storage");
        Objects.requireNonNull(pseudonyms, key + ".pseudonyms");
        Objects.requireNonNull(piiMode, key + ".pii-mode");
        ServerSettings.requirePositive(retention, key + ".retention");
        ServerSettings.requirePositive(contentRetention, key + ".content-retention");
        allowedLinkHosts = List.copyOf(allowedLinkHosts);
        for (Optional<Double> t : List.of(injectionThreshold, indirectInjectionThreshold)) {
            if (t.isPresent() && !(t.get() > 0 && t.get() < 1)) {
                throw new IllegalArgumentException(key + ": injection thresholds must be between 0 and 1");
            }
        }
        if (contentRetention.compareTo(retention) > 0) {
            throw new IllegalArgumentException(key + ".content-retention cannot be longer than " + key + ".retention");
        }
    }

    /** Whether this route covers {@code model}; {@code *} in a pattern matches any run of characters. */
    public boolean matches(String model) {
        for (String pattern : models) {
            if (glob(pattern, model)) {
                return true;
            }
        }
        return false;
    }

    static boolean glob(String pattern, String text) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(text);
        }
        String prefix = pattern.substring(0, star);
        if (!text.startsWith(prefix)) {
            return false;
        }
        String rest = pattern.substring(star + 1);
        for (int i = prefix.length(); i <= text.length(); i++) {
            if (glob(rest, text.substring(i))) {
                return true;
            }
        }
        return false;
    }
}
