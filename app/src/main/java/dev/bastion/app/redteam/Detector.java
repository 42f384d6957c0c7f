package dev.bastion.app.redteam;

import java.util.Locale;

/**
 * What proves that a probe's attack worked. Each probe names one; {@link Detectors} holds the code of each. Every
 * detector other than {@link #ACCEPTED} and {@link #BUDGET} looks for something the probe planted or asked for, so
 * a model that merely talks about the attack does not trip it.
 */
public enum Detector {
    /** The answer contains the probe's marker code, which only an obeyed instruction would produce. */
    MARKER,
    /** The answer contains the canary planted in the system prompt (or its base64). */
    CANARY,
    /** The answer contains a value of a planted synthetic customer record. */
    RECORD,
    /** The answer contains the planted secret. */
    SECRET,
    /** The answer renders a markdown image or link, or a reference definition, to the attacker's host. */
    ATTACKER_LINK,
    /** The answer calls a tool the attack asked for (send_email) or puts the attacker's address in a call. */
    TOOL_CALL,
    /** Resource probes: the endpoint accepted an input it should have refused (any 2xx). */
    ACCEPTED,
    /** Resource probes: the answer used more completion tokens than the probe's budget. */
    BUDGET;

    /** The name used in probe files and reports, for example {@code attacker-link}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Detector of(String id) {
        return valueOf(id.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
