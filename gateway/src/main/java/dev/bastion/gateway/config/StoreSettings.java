package dev.bastion.gateway.config;

import dev.bastion.store.jdbc.Database;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where keys, usage and policy state live (keys under {@code store}).
 *
 * @param url empty for the embedded SQLite file {@code <data-dir>/bastion.db}; a {@code jdbc:sqlite:} or
 *     {@code jdbc:postgresql:} URL otherwise
 * @param username database user (PostgreSQL)
 * @param password where the database password comes from (PostgreSQL)
 */
public record StoreSettings(String url, Optional<String> username, Optional<SecretRef> password) {
    public StoreSettings {
        Objects.requireNonNull(url, "store.url");
        if (!url.isEmpty() && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("store.url must be empty (embedded SQLite), jdbc:sqlite:... or "
                    + "jdbc:postgresql:..., got a URL starting with '" + url.substring(0, Math.min(16, url.length())) + "'");
        }
        Objects.requireNonNull(username, "store.username");
        Objects.requireNonNull(password, "store.password");
    }

    /**
     * Opens (and migrates) the database these settings name: {@code <data-dir>/bastion.db} unless a URL is set.
     *
     * @param env where a password given as {@code password-env} is read from
     * @throws dev.bastion.store.StoreException naming the database when it cannot be opened
     */
    public Database open(Path dataDir, Map<String, String> env) {
        if (url.isEmpty()) {
            return Database.sqlite(dataDir.resolve("bastion.db"));
        }
        return Database.open(url, username, password.map(p -> p.resolve(env)));
    }
}
