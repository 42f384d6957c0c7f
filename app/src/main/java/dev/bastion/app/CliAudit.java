package dev.bastion.app;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.pipeline.AuditTrail;
import java.time.Clock;

/**
 * Audit receipts for admin actions taken on the command line. The log has one writer: when a gateway is running
 * it holds the log, and the receipt is handed to it through the log's inbox ({@link AuditLog#deliverToWriter}).
 */
final class CliAudit {
    private CliAudit() {
    }

    static void record(GatewayConfig config, String action, String subject) {
        try (AuditLog log = AuditLog.open(config.dataDir().resolve("audit"), SigningKey.loadOrCreate(
                config.dataDir().resolve("keys").resolve("audit-signing.key"), config.audit().signatureAlgorithm()),
                "bastion", Clock.systemUTC(), config.audit().checkpointEvery())) {
            new AuditTrail(log, Clock.systemUTC()).admin(null, "cli", action, subject);
        } catch (AuditLog.WriterBusyException busy) {
            // A gateway holds the log: hand the receipt to it; it appends it within about a second.
            try {
                AuditLog.deliverToWriter(config.dataDir().resolve("audit"), AuditTrail.adminRecord(
                        Clock.systemUTC().instant(), null, "cli", action, subject).toString()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                System.err.println("bastion: no audit receipt for " + action + ": " + e.getMessage());
            }
        } catch (IllegalStateException e) {
            System.err.println("bastion: no audit receipt for " + action + ": " + e.getMessage());
        } catch (dev.bastion.gateway.api.Refusal e) {
            System.err.println("bastion: no audit receipt for " + action + ": " + e.error().message());
        }
    }
}
