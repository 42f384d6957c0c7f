package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.gateway.testing.TestTls;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sockets that connect and never send a byte cannot lock others out: with every connection slot held by one,
 * a health check still gets through once idle-timeout has closed them.
 */
class SilentConnectionsTest {
    private static final int MAX_CONNECTIONS = 4;
    private static final Duration IDLE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void silentSocketsHoldingEverySlotAreClosedAndAHealthCheckGetsThrough() throws IOException {
        try (TestGateway gateway = TestGateway.start(dir, "server:\n  max-connections: " + MAX_CONNECTIONS
                + "\n  idle-timeout: " + IDLE.toMillis() + "ms\n")) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_CONNECTIONS + 2; i++) {
                    silent.add(new Socket("127.0.0.1", gateway.port()));
                }
                long start = System.nanoTime();
                RawHttp.Answer health = RawHttp.exchange(gateway.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n", Duration.ofSeconds(15));
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                assertThat(health.status()).as("after %s: %s", waited, health.text()).isEqualTo(200);
                assertThat(waited).isLessThan(IDLE.multipliedBy(8));
                for (Socket s : silent) {
                    assertThat(RawHttp.readUntilClosed(s, IDLE.multipliedBy(4)).closed()).isTrue();
                }
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aSilentSocketOnATlsListenerIsClosedWithinTheIdleTimeout() throws Exception {
        TestTls.selfSignedKeystore(dir);
        try (TestGateway gateway = TestGateway.start(dir, "server:\n  idle-timeout: " + IDLE.toMillis() + "ms\n"
                + "  tls:\n    keystore: server.p12\n    keystore-password-env: KS_PASS\n", Map.of("KS_PASS", TestTls.PASSWORD));
                Socket silent = new Socket("127.0.0.1", gateway.port())) {
            RawHttp.Answer answer = RawHttp.readUntilClosed(silent, IDLE.multipliedBy(8));
            assertThat(answer.closed()).as("closed after %s", answer.elapsed()).isTrue();
            assertThat(answer.elapsed()).isLessThan(IDLE.multipliedBy(6));
        }
    }
}
