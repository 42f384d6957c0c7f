package dev.bastion.audit;

import dev.bastion.crypto.SigningKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** Run as a separate process by {@link CrashTest}: appends forever, printing each acknowledged index. */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
        AuditLog log = AuditLog.open(dir.resolve("log"), key, "crash", Clock.systemUTC(), 50);
        for (int i = 0; ; i++) {
            java.util.List<CompletableFuture<Long>> batch = new java.util.ArrayList<>();
            for (int b = 0; b < 8; b++) {
                batch.add(log.append(AuditLogTest.record(i * 8 + b)));
            }
            for (CompletableFuture<Long> f : batch) {
                System.out.println("ack " + f.get());
            }
            System.out.flush();
        }
    }
}
