package dev.bastion.app;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.RandomTokens;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.pipeline.ConversationVault;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.gateway.store.JdbcStore;
import dev.bastion.gateway.store.SubjectKeyring;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion subject export|erase}: a data subject's access and erasure rights, on the stores directly. While a
 * gateway runs, prefer the HTTP endpoints, which also write the audit receipt (the gateway holds the audit log).
 */
@Command(name = "subject", description = "Export or erase everything held about a data subject.",
        subcommands = {SubjectCommand.Export.class, SubjectCommand.Erase.class})
final class SubjectCommand {

    static <T> T withVault(CommonOptions common, Function<ConversationVault, T> action) {
        GatewayConfig config = common.load(Map.of()).config();
        Gateway.createPrivateDirectory(config.dataDir());
        try (JdbcStore store = JdbcStore.open(config.store(), config.dataDir(), System.getenv());
                SubjectKeyring keyring = SubjectKeyring.open(config.dataDir().resolve("keys").resolve("subject-keys.db"))) {
            ConversationVault vault = new ConversationVault(store, keyring,
                    Envelope.open(config.conversations().masterKey(), System.getenv()),
                    Gateway.apiKeyHasher(config.dataDir()), RandomTokens.secure(), Clock.systemUTC());
            return action.apply(vault);
        }
    }

    @Command(name = "export", description = "Print everything held about the subject as JSON.")
    static final class Export implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--subject", required = true, description = "The subject id (as sent in the subject header).")
        String subject;

        @Override
        public Integer call() {
            System.out.println(withVault(common, vault -> vault.export(subject)).toPrettyString());
            return 0;
        }
    }

    @Command(name = "erase", description = "Destroy the subject's key (crypto-shredding) and delete its conversations.")
    static final class Erase implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--subject", required = true, description = "The subject id (as sent in the subject header).")
        String subject;

        @Override
        public Integer call() {
            ConversationVault.Erasure e = withVault(common, vault -> vault.erase(subject));
            System.out.println("erased subject " + e.subjectHash() + ": key destroyed=" + e.keyDestroyed()
                    + ", conversations deleted=" + e.conversationsDeleted());
            System.err.println("bastion: no audit receipt was written from the command line; use DELETE "
                    + "/admin/v1/subjects/{id} on a running gateway to have one");
            return 0;
        }
    }
}
