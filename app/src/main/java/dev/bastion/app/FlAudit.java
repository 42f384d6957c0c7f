package dev.bastion.app;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.pipeline.AuditTrail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The audit log of a federated run ({@code fl serve --out DIR} or {@code fl join --audit DIR}): each event of the
 * coordinator or site (joins, refusals with their code, round outcomes with survivor ids and counts) is one signed,
 * hash-chained record, action = the event's first word, subject = the rest. Events never carry data or updates:
 * the transport's event strings are built from ids, counts, codes and reasons only. Thread-safe.
 */
final class FlAudit implements AutoCloseable {
    private final AuditLog log;
    private final ConcurrentLinkedQueue<CompletableFuture<Long>> pending = new ConcurrentLinkedQueue<>();

    private FlAudit(AuditLog log) {
        this.log = log;
    }

    static FlAudit open(Path dir) {
        return new FlAudit(AuditLog.open(dir, SigningKey.loadOrCreate(dir.resolve("audit-signing.key"),
                SigningKey.Algorithm.ED25519), "bastion-fl", Clock.systemUTC(), 100));
    }

    void record(String event) {
        int space = event.indexOf(' ');
        String action = space < 0 ? event : event.substring(0, space);
        String subject = space < 0 ? "" : event.substring(space + 1);
        pending.add(log.append(AuditTrail.adminRecord(Clock.systemUTC().instant(), null, "fl", action, subject)
                .toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        for (CompletableFuture<Long> f : pending) {
            f.join();
        }
        log.close();
    }
}
