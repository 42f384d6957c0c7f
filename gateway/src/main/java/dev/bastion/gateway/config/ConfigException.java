package dev.bastion.gateway.config;

import java.util.List;

/** The configuration is invalid; the message lists every problem, each naming its key and where it was set. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigException(List<String> problems) {
        super(problems.size() == 1 ? "invalid configuration: " + problems.getFirst()
                : "invalid configuration (" + problems.size() + " problems):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
