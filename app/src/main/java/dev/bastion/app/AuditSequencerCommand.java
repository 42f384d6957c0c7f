package dev.bastion.app;

import dev.bastion.gateway.cluster.audit.Sequencer;
import dev.bastion.gateway.config.GatewayConfig;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bastion audit sequencer}: the cluster's audit sequencer as a process of its own (docs/scale-out.md). It
 * reads the same config as the replicas ({@code store.url} on PostgreSQL, {@code cluster.kafka-bootstrap}) and
 * writes the cluster tree to {@code <data-dir>/audit-cluster}. Several may run: one leads, the others stand by for
 * its lease. SIGTERM stops it after its current batch, with a final checkpoint.
 */
@Command(name = "sequencer", description = "Run the cluster's audit sequencer: one tree for every replica's records, "
        + "read from the Kafka audit topic (standby while another leads).")
final class AuditSequencerCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config = common.load(Map.of()).config();
        Logging.use(config.telemetry().logFormat());
        AtomicReference<Sequencer> current = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Sequencer s = current.get();
            if (s != null) {
                s.close();
            }
            try {
                ended.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bastion-sequencer-stop"));
        try {
            Sequencer.Outcome outcome = Sequencer.runFromConfig(config, System.getenv(), Clock.systemUTC(), current::set);
            return switch (outcome) {
                case Sequencer.Outcome.Closed closed -> ExitCodes.OK;
                case Sequencer.Outcome.Mismatch mismatch -> {
                    System.err.println("bastion: the cluster tree does not match the audit topic: " + mismatch.problem()
                            + "; nothing was appended. Run 'bastion audit verify --cluster'.");
                    yield ExitCodes.FAILED;
                }
                case Sequencer.Outcome.Fenced fenced -> ExitCodes.FAILED; // runFromConfig stands by again instead
                case Sequencer.Outcome.LeaseLost lost -> ExitCodes.FAILED; // likewise
            };
        } finally {
            ended.countDown();
        }
    }
}
