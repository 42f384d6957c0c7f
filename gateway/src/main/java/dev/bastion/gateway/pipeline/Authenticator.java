package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.store.keys.Role;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/** Stage 1: who is calling, and may their role do this. */
public final class Authenticator {
    private final KeyService keys;

    public Authenticator(KeyService keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * Recognises the bearer key in {@code authorization} and checks its role.
     *
     * @param authorization the Authorization header, if any
     * @param allowed what the role must permit, for example {@link Role#mayCallModels()}
     * @param action the action, for the error message ("call models")
     * @throws Refusal 401 when the key is missing or invalid, 403 when its role may not do this
     */
    public ApiKey authenticate(Optional<String> authorization, Predicate<Role> allowed, String action) {
        String header = authorization.map(String::strip).orElse("");
        if (header.isEmpty()) {
            throw new Refusal(ApiError.missingAuth());
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Refusal(ApiError.missingAuth());
        }
        ApiKey key = keys.authenticate(header.substring(7).strip()).orElseThrow(() -> new Refusal(ApiError.invalidAuth()));
        if (!allowed.test(key.role())) {
            throw new Refusal(ApiError.forbidden("role_not_permitted",
                    "A key with role '" + key.role().configName() + "' may not " + action + "."));
        }
        return key;
    }
}
