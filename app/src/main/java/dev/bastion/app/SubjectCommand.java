package dev.bastion.app;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.RandomTokens;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.pipeline.ConversationVault;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcConversationRepository;
import dev.bastion.store.jdbc.JdbcUsageRepository;
import dev.bastion.store.jdbc.SqliteSubjectKeyRepository;
import dev.bastion.store.subjects.SubjectKeyRepository;
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
        subcommands = {SubjectCommand.Export.class, SubjectCommand.Erase.class, SubjectCommand.RotateMasterKey.class})
final class SubjectCommand {

    static <T> T withVault(CommonOptions common, Function<ConversationVault, T> action) {
        GatewayConfig config = common.load(Map.of()).config();
        Gateway.createPrivateDirectory(config.dataDir());
        try (Database store = config.store().open(config.dataDir(), System.getenv());
                SubjectKeyRepository keyring = SqliteSubjectKeyRepository.open(
                        config.dataDir().resolve("keys").resolve("subject-keys.db"))) {
            ConversationVault vault = new ConversationVault(new JdbcConversationRepository(store),
                    new JdbcUsageRepository(store), keyring,
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
            return ExitCodes.OK;
        }
    }

    @Command(name = "erase", description = "Destroy the subject's key (crypto-shredding) and delete its conversations; for "
            + "a subject key:ID in a cluster, also that API key's pseudonym tables in the shared Redis.")
    static final class Erase implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--subject", required = true, description = "The subject id (as sent in the subject header).")
        String subject;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            GatewayConfig config = common.load(Map.of()).config();
            int tables;
            try {
                tables = eraseSharedPseudonyms(config, subject);
            } catch (dev.bastion.gateway.cluster.RedisTables.Unreachable e) {
                System.err.println("bastion: " + e.getMessage() + "; nothing was erased");
                return ExitCodes.FAILED;
            }
            ConversationVault.Erasure e = withVault(common, vault -> vault.erase(subject));
            CliAudit.record(config, "subject.erase", e.subjectHash() + " key_destroyed="
                    + e.keyDestroyed() + " conversations_deleted=" + e.conversationsDeleted()
                    + " pseudonym_tables_erased=" + tables);
            if (json) {
                Output.print(Output.object().put("subject_hash", e.subjectHash()).put("key_destroyed", e.keyDestroyed())
                        .put("conversations_deleted", e.conversationsDeleted()).put("pseudonym_tables_erased", tables));
            } else {
                System.out.println("erased subject " + e.subjectHash() + ": key destroyed=" + e.keyDestroyed()
                        + ", conversations deleted=" + e.conversationsDeleted() + ", pseudonym tables erased=" + tables);
            }
            return ExitCodes.OK;
        }

        /**
         * For a subject {@code key:ID} in a cluster, the pseudonym tables of that key in the replicas' shared Redis
         * (docs/scale-out.md). A single node's tables live only in its memory and expire there.
         *
         * @throws dev.bastion.gateway.cluster.RedisTables.Unreachable when Redis cannot be reached
         */
        private static int eraseSharedPseudonyms(GatewayConfig config, String subject) {
            if (!subject.startsWith("key:") || config.cluster().redisUrl().isEmpty()) {
                return 0;
            }
            try (dev.bastion.gateway.cluster.RedisTables shared = dev.bastion.gateway.cluster.RedisTables.connect(
                    config.cluster(), System.getenv(), Gateway.apiKeyHasher(config.dataDir()),
                    new dev.bastion.guard.pseudonym.MemoryTables(Clock.systemUTC(), 1))) {
                return shared.eraseKey(subject.substring(4));
            }
        }
    }

    @Command(name = "rotate-master-key", description = "Add a new primary master key (file source); with --rewrap, "
            + "re-wrap every subject key under it. Running gateways keep working and use the new key after a restart.")
    static final class RotateMasterKey implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--rewrap", description = "Re-wrap every subject key under the new primary key.")
        boolean rewrap;

        @Override
        public Integer call() {
            GatewayConfig config = common.load(Map.of()).config();
            if (!(config.conversations().masterKey() instanceof Envelope.MasterKeySource.File file)) {
                System.err.println("bastion: the master key comes from an environment variable or a command; rotate it "
                        + "where it is kept, then run this with --rewrap against a file copy");
                return ExitCodes.FAILED;
            }
            Envelope.open(file, System.getenv());
            int primary = Envelope.rotateMasterKeyFile(file.path());
            System.out.println("master key rotated; new primary key id " + Integer.toUnsignedString(primary));
            if (rewrap) {
                int n = withVault(common, ConversationVault::rewrapAll);
                System.out.println("re-wrapped " + n + " subject key(s)");
            }
            CliAudit.record(config, "master-key.rotate", "primary=" + Integer.toUnsignedString(primary) + " rewrap=" + rewrap);
            return ExitCodes.OK;
        }
    }
}
