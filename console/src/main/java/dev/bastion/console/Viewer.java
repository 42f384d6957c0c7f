package dev.bastion.console;

import dev.bastion.store.keys.Role;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is looking at a page: the logged-in key, what it may do and which tenants it may see. Decided on the server
 * from the session and the stored key; templates only read it.
 *
 * @param keyId the key that logged in
 * @param role admin (reads and writes) or auditor (reads)
 * @param tenant the key's tenant
 * @param csrf the session's CSRF token, put in every form
 */
public record Viewer(String keyId, Role role, String tenant, String csrf) {
    /** Keys of this tenant (the bootstrap admin's) are the operators' and see every tenant. */
    public static final String OPERATOR_TENANT = "default";

    public Viewer {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(csrf, "csrf");
        if (!role.mayReadUsage()) {
            throw new IllegalArgumentException("only admin and auditor keys use the console");
        }
    }

    public boolean mayWrite() {
        return role.mayManageKeys();
    }

    /** The one tenant this viewer may see, or empty for all of them. */
    public Optional<String> tenantScope() {
        return tenant.equals(OPERATOR_TENANT) ? Optional.empty() : Optional.of(tenant);
    }

    /** Whether a row of {@code rowTenant} (empty: an operator-wide row such as an admin action) is visible. */
    public boolean sees(Optional<String> rowTenant) {
        return tenantScope().map(t -> rowTenant.map(t::equals).orElse(false)).orElse(true);
    }

    public String roleName() {
        return role.configName();
    }
}
