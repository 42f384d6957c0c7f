package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.identity.Expiry;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.gateway.server.KeyJson;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcKeyRepository;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bastion keys create|list|revoke|rotate}: manages API keys directly in the store. */
@Command(name = "keys", description = "Create, list, revoke and rotate API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
                KeysCommand.Rotate.class})
final class KeysCommand {

    static <T> T withKeys(CommonOptions common, Function<KeyService, T> action) {
        GatewayConfig config = common.load(Map.of()).config();
        Gateway.createPrivateDirectory(config.dataDir());
        try (Database store = config.store().open(config.dataDir(), System.getenv())) {
            return action.apply(Gateway.keyService(config.dataDir(), new JdbcKeyRepository(store), Clock.systemUTC()));
        }
    }

    /** Writes the audit receipt of a key change made on the command line. */
    static void audit(CommonOptions common, String action, String subject) {
        CliAudit.record(common.load(Map.of()).config(), action, subject);
    }

    static void printCreated(KeyService.CreatedKey created, boolean json, Optional<String> replaces) {
        String secret = created.secret().toUtf8(InsecureSecretAccess.get());
        if (json) {
            ObjectNode out = KeyJson.describe(created.key());
            out.put("key", secret);
            replaces.ifPresent(r -> out.put("replaces", r));
            Output.print(out);
            return;
        }
        ApiKey k = created.key();
        System.out.println("created " + k.id() + " role=" + k.role().configName() + " tenant=" + k.tenant()
                + " models=" + String.join(",", k.models())
                + k.expiresAt().map(e -> " expires=" + e).orElse("")
                + replaces.map(r -> " replaces=" + r).orElse(""));
        System.out.println("store this key now; it is not shown again:");
        System.out.println(secret);
    }

    @Command(name = "create", description = "Create a key; prints it alone on the last line of stdout.")
    static final class Create implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--role", required = true, description = "admin, user or auditor.")
        String role;

        @Option(names = "--tenant", defaultValue = "default", description = "Tenant (default: ${DEFAULT-VALUE}).")
        String tenant;

        @Option(names = "--models", defaultValue = "*", description = "Allowed models: M1,M2 or * (default).")
        String models;

        @Option(names = "--expires", paramLabel = "DURATION", description = "Lifetime such as 90d, 12h or 2w.")
        String expires;

        @Option(names = "--rpm", description = "Requests per minute for this key (default: limits.per-key).")
        Integer rpm;

        @Option(names = "--tpm", description = "Tokens per minute for this key.")
        Long tpm;

        @Option(names = "--concurrent", description = "Concurrent requests for this key.")
        Integer concurrent;

        @Option(names = "--label", defaultValue = "", description = "A label to recognise the key by.")
        String label;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            Role r = Role.fromConfig(role);
            List<String> allowed = Arrays.stream(models.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            Optional<Limits> limits = rpm == null && tpm == null && concurrent == null ? Optional.empty()
                    : Optional.of(new Limits(rpm == null ? 0 : rpm, tpm == null ? 0 : tpm, concurrent == null ? 0 : concurrent));
            KeyService.CreatedKey created = withKeys(common, keys -> {
                Optional<java.time.Instant> expiry = expires == null ? Optional.empty()
                        : Optional.of(java.time.Instant.now().plus(Expiry.parse(expires)));
                return keys.create(new KeyService.KeySpec(r, tenant, allowed, expiry, limits, label));
            });
            audit(common, "key.create", created.key().id());
            printCreated(created, json, Optional.empty());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            List<ApiKey> keys = withKeys(common, KeyService::list);
            if (json) {
                ArrayNode out = Output.array();
                keys.forEach(k -> out.add(KeyJson.describe(k)));
                Output.print(out);
                return ExitCodes.OK;
            }
            System.out.printf("%-20s %-8s %-16s %-9s %s%n", "ID", "ROLE", "TENANT", "STATE", "MODELS");
            java.time.Instant now = java.time.Instant.now();
            for (ApiKey k : keys) {
                String state = k.revokedAt().isPresent() ? "revoked" : k.isActive(now) ? "active" : "expired";
                System.out.printf("%-20s %-8s %-16s %-9s %s%n", k.id(), k.role().configName(), k.tenant(), state,
                        String.join(",", k.models()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a key; it is refused on its next request.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ID", description = "Key id (key_...).")
        String id;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            if (!withKeys(common, keys -> keys.revoke(id))) {
                System.err.println("bastion: no active key with id " + id);
                return ExitCodes.FAILED;
            }
            audit(common, "key.revoke", id);
            if (json) {
                Output.print(Output.object().put("id", id).put("revoked", true));
            } else {
                System.out.println("revoked " + id);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rotate", description = "Replace a key by a new one with the same rights; the old one is revoked.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "ID", description = "Key id (key_...).")
        String id;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            Optional<KeyService.CreatedKey> created = withKeys(common, keys -> keys.rotate(id));
            if (created.isEmpty()) {
                System.err.println("bastion: no active key with id " + id);
                return ExitCodes.FAILED;
            }
            audit(common, "key.rotate", id + "->" + created.get().key().id());
            printCreated(created.get(), json, Optional.of(id));
            return ExitCodes.OK;
        }
    }
}
