package dev.bastion.store.keys;

import java.util.Locale;

/** What an API key may do. */
public enum Role {
    /** Manage keys and policy; may also call models. */
    ADMIN,
    /** Call models. */
    USER,
    /** Read audit and usage; no model calls. */
    AUDITOR;

    public boolean mayCallModels() {
        return this != AUDITOR;
    }

    public boolean mayReadUsage() {
        return this == ADMIN || this == AUDITOR;
    }

    public boolean mayManageKeys() {
        return this == ADMIN;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromConfig(String value) {
        for (Role r : values()) {
            if (r.configName().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "'; expected admin, user or auditor");
    }
}
