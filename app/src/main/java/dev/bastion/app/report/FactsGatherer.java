package dev.bastion.app.report;

import dev.bastion.audit.AuditStream;
import dev.bastion.audit.Checkpoint;
import dev.bastion.audit.Verifier;
import dev.bastion.gateway.config.ConfigPrinter;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.LoadedConfig;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcKeyRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Gathers {@link ReportFacts} from a data directory: one streaming pass over the audit log up to its latest signed
 * checkpoint (whose signature and tree head are checked against the records first), the key store and its privacy
 * ledgers, each local model's signature and ML-BOM, and a saved red-team run. Read-only; safe while a gateway runs.
 */
public final class FactsGatherer {
    private FactsGatherer() {
    }

    /**
     * @param env the environment (for a store password given by reference)
     * @throws IllegalStateException when the log has no checkpoint, or does not match it (with what to run)
     */
    public static ReportFacts gather(LoadedConfig loaded, Period period, Optional<String> tenant,
            Optional<Path> redteamRun, Map<String, String> env, Clock clock, String version) throws IOException {
        GatewayConfig config = loaded.config();
        Path auditDir = config.dataDir().resolve("audit");
        Checkpoint checkpoint = latestVerifiedCheckpoint(config.dataDir());
        AuditTally tally = new AuditTally(period, tenant);
        AuditStream.Result read = AuditStream.read(auditDir, checkpoint.size(), (index, record) -> tally.accept(record));
        if (read.records() < checkpoint.size() || !MessageDigest.isEqual(read.root(), checkpoint.root())) {
            throw new IllegalStateException("the audit log in " + auditDir + " does not match its latest checkpoint (size "
                    + checkpoint.size() + "): " + read.problem().orElse("its records were changed")
                    + "; run bastion audit verify to see what is broken");
        }
        TreeMap<String, String> settings = new TreeMap<>();
        ConfigPrinter.settings(loaded).forEach(s -> settings.put(s.key(), s.value()));
        Optional<KeyFacts> keys = Optional.empty();
        Optional<LedgerFacts> ledgers = Optional.empty();
        if (!config.store().url().isEmpty() || Files.exists(config.dataDir().resolve("bastion.db"))) {
            try (Database store = config.store().open(config.dataDir(), env)) {
                keys = Optional.of(KeyFacts.of(new JdbcKeyRepository(store).listKeys(), clock.instant()));
                ledgers = Optional.of(LedgerFacts.read(new dev.bastion.store.jdbc.JdbcLedgerStore(store), clock));
            }
        }
        List<ModelBomFacts> boms = ModelBomFacts.read(config);
        Optional<RedteamFacts> redteam = redteamRun.isEmpty() ? Optional.empty()
                : Optional.of(RedteamFacts.read(redteamRun.get()));
        Coverage coverage = new Coverage(period, tenant, checkpoint.encode(), clock.instant(),
                loaded.file().map(Path::toString));
        return new ReportFacts(config, settings, coverage, tally.counts(), keys, redteam, ledgers, boms, version);
    }

    /** The latest checkpoint, its signature checked with the audit public key in the data directory. */
    static Checkpoint latestVerifiedCheckpoint(Path dataDir) throws IOException {
        Path auditDir = dataDir.resolve("audit");
        List<Checkpoint> checkpoints = Files.isDirectory(auditDir) ? AuditStream.checkpoints(auditDir) : List.of();
        if (checkpoints.isEmpty()) {
            throw new IllegalStateException("the audit log in " + auditDir + " has no signed checkpoint yet: a gateway "
                    + "signs one every audit.checkpoint-every records and when it stops");
        }
        Checkpoint c = checkpoints.getLast();
        Path pub = dataDir.resolve("keys/audit-signing.key.pub");
        if (!Files.exists(pub) || !c.verify(Verifier.readPublicKey(pub))) {
            throw new IllegalStateException("the latest audit checkpoint's signature does not verify with " + pub
                    + "; run bastion audit verify");
        }
        return c;
    }
}
