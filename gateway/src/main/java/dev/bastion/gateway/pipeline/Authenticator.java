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
     * @return the key, or 401 when the key is missing or invalid, 403 when its role may not do this
     */
    public Check<ApiKey> check(Optional<String> authorization, Predicate<Role> allowed, String action) {
        String header = authorization.map(String::strip).orElse("");
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Check.refuse(ApiError.missingAuth());
        }
        Optional<ApiKey> found = keys.authenticate(header.substring(7).strip());
        if (found.isEmpty()) {
            return Check.refuse(ApiError.invalidAuth());
        }
        if (!allowed.test(found.get().role())) {
            return Check.refuse(ApiError.forbidden("role_not_permitted",
                    "A key with role '" + found.get().role().configName() + "' may not " + action + "."));
        }
        return Check.pass(found.get());
    }

    /**
     * As {@link #check}, for the admin and listing endpoints, which are not pipeline stages.
     *
     * @throws Refusal 401 when the key is missing or invalid, 403 when its role may not do this
     */
    public ApiKey authenticate(Optional<String> authorization, Predicate<Role> allowed, String action) {
        return switch (check(authorization, allowed, action)) {
            case Check.Pass<ApiKey>(ApiKey key) -> key;
            case Check.Stop<ApiKey> stop -> throw new Refusal(((Outcome.Refused) stop.outcome()).error());
        };
    }
}
