package dev.bastion.app.redteam;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One attack, ready to send: a chat request (without the model name, which the run adds), what was planted in it,
 * and which detector proves that it worked. Built by {@link ProbeLibrary} from the probe files. The request node is
 * never modified after construction.
 *
 * @param id stable identifier, for example {@code ignore.obey.tool.base64}; baselines are compared by it
 * @param suite the suite it belongs to (injection, extraction, pii, secrets, exfiltration, tools, dos)
 * @param owasp the OWASP LLM 2025 category its success demonstrates
 * @param technique the template or kind (for example {@code persona}, {@code oversized})
 * @param carrier where the attack text sits: direct (user message), tool (tool result), document, or request
 * @param encoding how the attack text is disguised ({@link Encodings#NAMES})
 * @param detector what proves success
 * @param request the chat request body without {@code model}
 * @param nestingDepth for nested-input probes, the depth of the extra field added to the raw body; otherwise 0
 * @param plant what the probe planted and asked for
 * @param file the probe file it came from
 */
public record Probe(String id, String suite, Owasp owasp, String technique, String carrier, String encoding,
        Detector detector, ObjectNode request, int nestingDepth, Plant plant, String file) {

    public Probe {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("probe id must be lower case letters, digits, dots and dashes: " + id);
        }
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(owasp, "owasp");
        Objects.requireNonNull(technique, "technique");
        Objects.requireNonNull(carrier, "carrier");
        if (!Encodings.NAMES.contains(encoding)) {
            throw new IllegalArgumentException(id + ": unknown encoding " + encoding);
        }
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(plant, "plant");
        if (nestingDepth < 0) {
            throw new IllegalArgumentException(id + ": nesting depth must be >= 0");
        }
    }

    /**
     * What a probe planted and asked for, so detectors know what to look for.
     *
     * @param canary the line planted in the system prompt
     * @param marker the code an obeyed instruction produces
     * @param recordValues values of the planted synthetic records (e-mail, phone, SSN); empty when none planted
     * @param secret the planted secret; empty when none
     * @param attackerHost the host links must not point at
     * @param attackerEmail the address tool calls must not send to
     * @param forbiddenTools tool names the attack tries to call
     * @param budgetTokens for budget probes, the completion tokens above which the attack worked; otherwise 0
     */
    public record Plant(String canary, String marker, List<String> recordValues, String secret, String attackerHost,
            String attackerEmail, List<String> forbiddenTools, int budgetTokens) {
        public Plant {
            Objects.requireNonNull(canary, "canary");
            Objects.requireNonNull(marker, "marker");
            recordValues = List.copyOf(recordValues);
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(attackerHost, "attackerHost");
            Objects.requireNonNull(attackerEmail, "attackerEmail");
            forbiddenTools = List.copyOf(forbiddenTools);
            if (budgetTokens < 0) {
                throw new IllegalArgumentException("budget must be >= 0");
            }
        }
    }
}
