package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bastion serve} killed with SIGKILL while clients are being answered: after a restart the usage totals hold
 * every request a client fully received, at most the ones still in flight at the kill on top, and a second restart
 * counts none of them twice (usage is a projection of the durable audit log, issue 15).
 */
class KillNineUsageTest {
    @TempDir
    Path dir;

    private ServedProcess serve(Path config, String name) throws Exception {
        return ServedProcess.start(config, dir.resolve("data"), dir.resolve(name + ".stderr.txt"));
    }

    @Test
    void aKilledGatewayLosesNoUsageOfAnsweredRequestsAndCountsNoneTwice() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start().delay(20)) {
            Path config = dir.resolve("bastion.yaml");
            Files.writeString(config, "abuse:\n  min-requests: 0\nmodels:\n  - name: m\n    backend: openai\n    base-url: "
                    + upstream.baseUrl() + "\n    location: local\n");
            HttpClient client = HttpClient.newHttpClient();
            ServedProcess first = serve(config, "first");
            String admin = Files.readString(dir.resolve("data/admin.key")).strip();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger unanswered = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            try {
                for (int c = 0; c < 6; c++) {
                    clients.add(Thread.ofVirtual().start(() -> {
                        while (!killed.get()) {
                            try {
                                HttpResponse<String> r = client.send(UsageProbe.chat(first.base(), admin),
                                        HttpResponse.BodyHandlers.ofString());
                                if (r.statusCode() == 200 && r.body().contains("echo: count me")) {
                                    answered.incrementAndGet();
                                } else {
                                    unanswered.incrementAndGet();
                                }
                            } catch (Exception e) {
                                unanswered.incrementAndGet(); // cut off by the kill
                            }
                        }
                    }));
                }
                for (int i = 0; i < 1000 && answered.get() < 60; i++) {
                    Thread.sleep(10);
                }
                first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                killed.set(true);
                assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
                for (Thread t : clients) {
                    t.join(Duration.ofSeconds(30));
                }
            } finally {
                first.process().destroyForcibly();
            }
            assertThat(answered.get()).isGreaterThanOrEqualTo(60);

            ServedProcess second = serve(config, "second");
            long afterKill;
            try {
                afterKill = UsageProbe.counted(client, second.base(), admin);
                System.out.printf("kill -9: %d answered, %d cut off, %d counted after the restart%n", answered.get(),
                        unanswered.get(), afterKill);
                assertThat(afterKill).isBetween((long) answered.get(), (long) answered.get() + unanswered.get());
                assertThat(client.send(UsageProbe.chat(second.base(), admin), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                        .isEqualTo(200);
                assertThat(UsageProbe.counted(client, second.base(), admin)).isEqualTo(afterKill + 1);
            } finally {
                second.process().destroy();
                second.process().waitFor(15, TimeUnit.SECONDS);
                second.process().destroyForcibly();
            }

            ServedProcess third = serve(config, "third");
            try {
                assertThat(UsageProbe.counted(client, third.base(), admin)).isEqualTo(afterKill + 1);
            } finally {
                third.process().destroy();
                third.process().waitFor(15, TimeUnit.SECONDS);
                third.process().destroyForcibly();
            }
        }
    }
}
