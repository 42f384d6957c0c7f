package dev.bastion.app;

import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.fl.Messages;
import dev.bastion.privacy.fl.net.Identity;
import dev.bastion.privacy.fl.net.Roster;
import dev.bastion.privacy.fl.net.Site;
import dev.bastion.privacy.fl.net.SitePolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion fl join}: a site dials the coordinator (it opens no port), checks each task against its policy
 * and takes part in the rounds with its own CSV, which never leaves it.
 */
@Command(name = "join", description = "Join a federation as a site: dial the coordinator over mutual TLS, refuse "
        + "tasks beyond --policy, train on --data locally and send only masked updates.")
final class FlJoinCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "HOST:PORT")
    String server;

    @Option(names = "--roster", required = true, paramLabel = "FILE")
    Path rosterFile;

    @Option(names = "--key", required = true, paramLabel = "DIR", description = "This site's key directory.")
    Path key;

    @Option(names = "--data", required = true, paramLabel = "CSV")
    Path data;

    @Option(names = "--label", required = true, paramLabel = "COLUMN")
    String label;

    @Option(names = "--policy", paramLabel = "FILE", description = "YAML: models, columns, max-epsilon-per-task, "
            + "max-epsilon-total, require-secure-aggregation (true), max-tolerance (1/3). Without it: both models, "
            + "every column of --data, no ε (0), secure aggregation required.")
    Path policyFile;

    @Option(names = "--ledger", paramLabel = "FILE", description = "The ε this site has accepted, one 'federation "
            + "epsilon' line per task; read for the total and appended to (default: none kept).")
    Path ledger;

    @Option(names = "--audit", paramLabel = "DIR", description = "Write this site's audit log here.")
    Path auditDir;

    @Option(names = "--insecure-seed", paramLabel = "N", hidden = true)
    Long insecureSeed;

    @Option(names = "--insecure-stall-at", paramLabel = "ROUND:STAGE", hidden = true,
            description = "Test only: hang before sending STAGE of training ROUND (kill -9 tests).")
    String stallAt;

    @Option(names = "--insecure-reveal-input-to", paramLabel = "DIR", hidden = true,
            description = "Test only: write each quantised input in the clear to DIR, to check the secure sum.")
    Path revealTo;

    @Option(names = "--insecure-poison", paramLabel = "FACTOR", hidden = true,
            description = "Test only: multiply this site's update by FACTOR before it is encoded (-1: sign flip), "
                    + "to measure --robust against a poisoning site.")
    Double poison;

    @Override
    public Integer call() throws IOException {
        Identity me = Identity.load(key);
        Roster roster = FlNetCommands.readRoster(rosterFile, me);
        Table table = Table.read(data, true);
        SitePolicy policy = policyFile != null ? FlNetCommands.readPolicy(policyFile)
                : new SitePolicy(Set.of("logreg", "mlp"), Set.copyOf(table.columns()), 0, 0, true, 0.3333333334);
        double spent = 0;
        if (ledger != null && Files.exists(ledger)) {
            for (String line : Files.readAllLines(ledger)) {
                String[] parts = line.strip().split(" ");
                if (parts.length == 2) {
                    spent += Double.parseDouble(parts[1]);
                }
            }
        }
        int stallRound = 0;
        Messages.Stage stallStage = null;
        if (stallAt != null) {
            String[] p = stallAt.split(":", 2);
            stallRound = Integer.parseInt(p[0]);
            stallStage = Messages.Stage.valueOf(p[1].toUpperCase(Locale.ROOT));
        }
        RandomGenerator random = insecureSeed == null ? new SecureRandom() : new Random(insecureSeed);
        FlAudit audit = auditDir == null ? null : FlAudit.open(auditDir);
        int[] counter = {0};
        double factor = poison == null ? 1 : poison;
        Site.InsecureTestHooks hooks = new Site.InsecureTestHooks(stallRound, stallStage, x -> {
            if (revealTo != null) {
                writeReveal(x, counter[0]++);
            }
        }, u -> {
            if (factor == 1) {
                return u;
            }
            double[] out = new double[u.length];
            for (int j = 0; j < u.length; j++) {
                out[j] = factor * u[j];
            }
            return out;
        });
        Site site = new Site(roster, me, table, label, policy, spent, eps -> {
            if (ledger != null) {
                try {
                    Files.writeString(ledger, roster.federation() + " " + eps + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot append to the ledger " + ledger, e);
                }
            }
        }, random, e -> {
            System.out.println(e);
            System.out.flush();
            if (audit != null) {
                audit.record(e);
            }
        }, hooks);
        int colon = server.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("--server is HOST:PORT, got '" + server + "'");
        }
        System.out.println("site " + site.me().id() + " " + site.me().name() + " joining " + server);
        System.out.flush();
        try {
            Site.Outcome outcome = site.run(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)),
                    1 << 26);
            System.out.println(switch (outcome) {
                case Site.Outcome.Finished f -> "finished: " + f.reason() + " (last round " + f.roundsTakenPart() + ")";
                case Site.Outcome.Disconnected d -> "disconnected: " + d.reason();
            });
            return outcome instanceof Site.Outcome.Finished ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            if (audit != null) {
                audit.close();
            }
        }
    }

    private void writeReveal(long[] x, int index) {
        StringBuilder s = new StringBuilder();
        for (long v : x) {
            s.append(v).append('\n');
        }
        try {
            Files.createDirectories(revealTo);
            Files.writeString(revealTo.resolve(String.format(Locale.ROOT, "%03d.txt", index)), s.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + revealTo, e);
        }
    }
}
