package dev.bastion.guard;

import java.util.Locale;

/** What a policy does with a finding of a given type. */
public enum Action {
    /** Let it through unchanged. */
    ALLOW("allow"),
    /** Replace the matched span with a type tag such as {@code [EMAIL_ADDRESS]}. */
    REDACT("redact"),
    /** Replace the matched span with a surrogate and restore it in the answer. */
    PSEUDONYMISE("pseudonymise"),
    /**
     * Pseudonymise when the request leaves this machine (a cloud model), and let it through unchanged when a local
     * model answers: the value never leaves, so the local model may see it as written.
     */
    PSEUDONYMISE_CLOUD("pseudonymise-cloud"),
    /** Send the request only to a model on this machine; refuse it if there is none. */
    FORCE_LOCAL("force-local"),
    /** Refuse the request. */
    BLOCK("block");

    private final String configName;

    Action(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /**
     * Parses a config value such as {@code force-local}.
     *
     * @throws IllegalArgumentException naming the valid values
     */
    public static Action fromConfig(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("pseudonymize")) {
            return PSEUDONYMISE;
        }
        if (v.equals("pseudonymize-cloud")) {
            return PSEUDONYMISE_CLOUD;
        }
        for (Action a : values()) {
            if (a.configName.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + value
                + "'; expected one of allow, redact, pseudonymise, pseudonymise-cloud, force-local, block");
    }
}
