package dev.bastion.bench;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a gateway data directory whose audit log holds N records, through the audit module's own writer, for
 * {@code bench/report/run.sh}: request records shaped as the gateway writes them (several tenants, routes, local and
 * cloud models, findings, refusals) one a minute from 2026-01-01, with an admin action every 997 records, signed
 * checkpoints every 100,000 records and at the end. Seeded, so every run writes the same records.
 *
 * <p>Run: {@code java -cp ... dev.bastion.bench.ReportLogBench DATA-DIR RECORDS}.
 */
public final class ReportLogBench {
    private static final String[] TENANTS = {"radiology", "billing", "research", "support"};
    private static final String[] OUTCOMES = {"ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "secret_detected",
        "rate_limited", "invalid_api_key", "prompt_injection"};
    private static final String[] FINDINGS = {"", "\"EMAIL_ADDRESS\":1", "\"PERSON\":2", "\"US_SSN\":1",
        "\"PHONE_NUMBER\":1,\"PERSON\":1", "\"PROMPT_INJECTION\":1"};
    private static final String[] ACTIONS = {"key.create", "subject.export", "subject.erase", "model.admitted",
        "abuse.flag", "retention.purge"};

    private ReportLogBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        Files.createDirectories(dataDir.resolve("keys"));
        SigningKey key = SigningKey.loadOrCreate(dataDir.resolve("keys/audit-signing.key"), SigningKey.Algorithm.ED25519);
        SplittableRandom random = new SplittableRandom(23);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        long began = System.nanoTime();
        try (AuditLog log = AuditLog.open(dataDir.resolve("audit"), key, "bastion", Clock.systemUTC(), 100_000)) {
            List<CompletableFuture<Long>> pending = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                Instant time = start.plus(Duration.ofMinutes(i));
                pending.add(log.append(record(i, time, random).getBytes(StandardCharsets.UTF_8)));
                if (pending.size() == 50_000) {
                    for (CompletableFuture<Long> f : pending) {
                        f.get();
                    }
                    pending.clear();
                }
            }
            for (CompletableFuture<Long> f : pending) {
                f.get();
            }
        }
        System.out.printf("RESULT wrote %d audit records to %s in %.1f s%n", n, dataDir,
                (System.nanoTime() - began) / 1e9);
    }

    static String record(long i, Instant time, SplittableRandom random) {
        if (i % 997 == 996) {
            String action = ACTIONS[random.nextInt(ACTIONS.length)];
            return "{\"v\":1,\"time\":\"" + time + "\",\"type\":\"admin\",\"request_id\":null,\"key_id\":\"cli\","
                    + "\"action\":\"" + action + "\",\"subject\":\"" + (action.startsWith("model") ? "llama3: ok"
                    : String.format("%016x", random.nextLong())) + "\"}";
        }
        String tenant = TENANTS[random.nextInt(TENANTS.length)];
        String outcome = OUTCOMES[random.nextInt(OUTCOMES.length)];
        boolean local = random.nextInt(3) == 0;
        String findings = FINDINGS[random.nextInt(FINDINGS.length)];
        boolean ok = outcome.equals("ok");
        return "{\"v\":1,\"time\":\"" + time + "\",\"type\":\"request\",\"endpoint\":\"chat.completions\","
                + "\"request_id\":\"req_" + String.format("%024x", i) + "\",\"key_id\":\"key_"
                + String.format("%016x", random.nextInt(40)) + "\",\"tenant\":\"" + tenant + "\",\"route\":\""
                + (local ? "clinical" : "default") + "\",\"model\":\"" + (local ? "llama3" : "gpt-4o") + "\","
                + "\"served_by\":" + (ok ? "\"" + (local ? "llama3" : "gpt-4o") + "\"" : "null") + ",\"location\":"
                + (ok ? "\"" + (local ? "local" : "cloud") + "\"" : "null") + ",\"decision\":\""
                + (findings.isEmpty() ? "allow" : ok ? "transform" : "block") + "\",\"reason\":null,\"controls\":[],"
                + "\"findings\":{" + findings + "},\"status\":" + (ok ? 200 : 403) + ",\"outcome\":\"" + outcome
                + "\",\"prompt_tokens\":" + random.nextInt(2000) + ",\"completion_tokens\":" + (ok ? random.nextInt(800) : 0)
                + ",\"latency_us\":" + random.nextInt(2_000_000) + "}";
    }
}
