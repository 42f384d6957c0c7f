package dev.bastion.privacy.fl.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.train.LogisticRegression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FlNetworkTest {
    @TempDir
    Path dir;

    private List<Thread> startSites(FlNetFixture f, SiteLinks links, int n, int stallSite, Stage stallStage,
            SitePolicy policyOfLast) throws IOException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Site site = f.site(i, i == n ? policyOfLast : FlNetFixture.OPEN, i == stallSite
                    ? new Site.InsecureTestHooks(1, stallStage, x -> { }) : Site.InsecureTestHooks.NONE);
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    site.run("127.0.0.1", links.port(), 1 << 24);
                } catch (IOException | RuntimeException e) {
                    // a stalled site is interrupted: its socket closes, as after kill -9
                }
            });
            threads.add(t);
        }
        return threads;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fiveSitesOverMutualTlsSumTheSurvivorsExactlyWhenOneLeavesMidRound() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 5);
        try (SiteLinks links = f.listen()) {
            List<Thread> sites = startSites(f, links, 5, 3, Stage.MASKED_INPUT, FlNetFixture.OPEN);
            assertEquals(5, links.awaitSites(java.time.Duration.ofSeconds(20)));
            LogisticRegression model = new LogisticRegression(2, 2);
            Thread killer = Thread.ofPlatform().daemon().start(() -> {
                while (f.events.stream().noneMatch(e -> e.startsWith("3 fl.site.insecure-test-stall"))) {
                    Thread.onSpinWait();
                }
                sites.get(2).interrupt();
            });
            List<Coordinator.RoundReport> reports = new ArrayList<>();
            Coordinator.Result result = new Coordinator(f.roster, links, f.settings("full", 2, "logreg", 0), e -> { })
                    .run(model.initialParameters(new Random(1)), reports::add);
            killer.join();
            Coordinator.RoundReport first = reports.get(0);
            assertEquals(Set.of(1, 2, 4, 5), first.survivors());
            assertEquals(1, first.attempts());
            assertEquals(Coordinator.sumDigest(f.plainSum(first.survivors(), 0, first.bits())), first.sumSha256().orElseThrow(),
                    "the secure sum equals the plaintext sum of the survivors' quantised inputs");
            assertEquals(5, first.stages().size());
            Coordinator.RoundReport second = reports.get(1);
            assertEquals(Set.of(1, 2, 4, 5), second.survivors());
            assertEquals(Coordinator.sumDigest(f.plainSum(second.survivors(), 1, second.bits())),
                    second.sumSha256().orElseThrow());
            assertEquals(model.parameters(), result.parameters().length);
            assertTrue(first.stages().stream().allMatch(s -> s.bytesUp() > 0 || s.senders() == 0));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSiteRefusesATaskWhoseModelItsPolicyDoesNotAllowAndTheCoordinatorSeesOnlyTheCode() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 4);
        SitePolicy logregOnly = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), 1, 10, false, 1.0 / 3);
        try (SiteLinks links = f.listen()) {
            startSites(f, links, 4, 0, null, logregOnly);
            assertEquals(4, links.awaitSites(java.time.Duration.ofSeconds(20)));
            List<Coordinator.RoundReport> reports = new ArrayList<>();
            dev.bastion.privacy.train.Mlp mlp = new dev.bastion.privacy.train.Mlp(2, 4, 2);
            new Coordinator(f.roster, links, f.settings("off", 1, "mlp", 0), e -> { })
                    .run(mlp.initialParameters(new Random(1)), reports::add);
            assertEquals(java.util.Map.of("site-4", "MODEL_NOT_ALLOWED"), reports.get(0).refusals());
            assertEquals(Set.of(1, 2, 3), reports.get(0).survivors());
            assertEquals(Coordinator.sumDigest(f.plainSum(Set.of(1, 2, 3), 0, reports.get(0).bits())),
                    reports.get(0).sumSha256().orElseThrow());
        }
    }

    @Test
    void policiesRefuseColumnsAndEpsilonBeyondTheirLimits() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 2);
        Control.Task task = new Control.Task("fed-test", 1, 1, "logreg", 0, f.schema(), 0.5, 1, 16, 0.1, 4, 16, 1024,
                new Control.Aggregation("full", 1.0 / 3, 0.1, new byte[32], 1000), new double[6]);
        SitePolicy noB = new SitePolicy(Set.of("logreg"), Set.of("a", "label"), 1, 10, false, 1.0 / 3);
        assertEquals(Control.Refusal.COLUMN_NOT_ALLOWED, noB.check(task, 0, false).orElseThrow());
        SitePolicy small = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), 0.4, 10, false, 1.0 / 3);
        assertEquals(Control.Refusal.EPSILON_PER_TASK, small.check(task, 0, false).orElseThrow());
        SitePolicy spent = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), 1, 2, false, 1.0 / 3);
        assertEquals(Control.Refusal.EPSILON_TOTAL, spent.check(task, 1.6, false).orElseThrow());
        assertTrue(spent.check(task, 1.6, true).isEmpty(), "a later round of an accepted task is not charged again");
        SitePolicy strict = new SitePolicy(Set.of("logreg"), Set.of("a", "b", "label"), 1, 2, false, 0.2);
        assertEquals(Control.Refusal.WEAK_PROTOCOL, strict.check(task, 0, false).orElseThrow());
        assertTrue(FlNetFixture.OPEN.check(task, 0, false).isEmpty());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSiteWhoseCertificateIsNotInTheRosterIsRefused() throws Exception {
        FlNetFixture f = new FlNetFixture(dir.resolve("fed"), 2);
        FlNetFixture other = new FlNetFixture(dir.resolve("other"), 2);
        Identity outsider = Identity.load(other.dir.resolve("sites").resolve("site-1"));
        try (SiteLinks links = f.listen()) {
            boolean refused;
            try (SSLSocket s = (SSLSocket) PinnedTls.context(outsider, Set.of(f.roster.coordinatorFingerprint()))
                    .getSocketFactory().createSocket("127.0.0.1", links.port())) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                Framing.write(s.getOutputStream(), Framing.CONTROL,
                        Control.encode(new Control.Hello("fed-test", "site-1")));
                refused = s.getInputStream().read() < 0;
            } catch (IOException e) {
                refused = true;
            }
            assertTrue(refused, "the connection ends without a frame");
            Thread.sleep(200);
            assertTrue(links.live().isEmpty());
            assertTrue(f.events.stream().anyMatch(e -> e.startsWith("c fl.site-refused")), f.events.toString());
        }
    }

    @Test
    void aTamperedRosterOrOneSignedByAnotherAdminIsRefused() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 3);
        Path file = dir.resolve("roster.txt");
        byte[] admin = f.coordinator.adminKey();
        assertEquals(f.roster.render(), Roster.load(file, admin).render());
        String text = Files.readString(file);
        Files.writeString(dir.resolve("swapped.txt"), text.replace("site: 2 site-2", "site: 2 site-x"));
        assertThrows(IllegalArgumentException.class, () -> Roster.load(dir.resolve("swapped.txt"), admin));
        SigningKey mallory = SigningKey.generate(SigningKey.Algorithm.ED25519);
        Roster forged = Roster.sign("fed-test", mallory, f.roster.coordinatorFingerprint(), f.roster.sites());
        Files.writeString(dir.resolve("forged.txt"), forged.render(), StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Roster.load(dir.resolve("forged.txt"), admin));
        assertTrue(e.getMessage().contains("not signed by the federation admin"));
        assertFalse(forged.signedBy(admin));
        assertTrue(forged.signedBy(mallory.publicKeyX509()), "the forgery is well formed, only its signer is wrong");
    }

    /**
     * A rostered site that misbehaves: in round 1 it advertises keys and goes silent; in round 2 it replays its
     * round-1 advert frame and then sends one claiming to come from site 1. The coordinator refuses both and the
     * other three sum without it.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aReplayedFrameAndAFrameUnderAnotherSitesIdAreRefused() throws Exception {
        FlNetFixture f = new FlNetFixture(dir, 4);
        try (SiteLinks links = f.listen()) {
            startSites(f, links, 3, 0, null, FlNetFixture.OPEN);
            Identity rogue = Identity.load(dir.resolve("sites").resolve("site-4"));
            java.util.Map<Integer, byte[]> keys = new java.util.HashMap<>();
            f.roster.sites().forEach(s -> keys.put(s.id(), s.signingKey()));
            dev.bastion.privacy.fl.WireCodec codec = new dev.bastion.privacy.fl.WireCodec(
                    dev.bastion.privacy.fl.WireCodec.Limits.DEFAULT);
            Thread.ofPlatform().daemon().start(() -> {
                try (SSLSocket s = (SSLSocket) PinnedTls.context(rogue, Set.of(f.roster.coordinatorFingerprint()))
                        .getSocketFactory().createSocket("127.0.0.1", links.port())) {
                    Framing.write(s.getOutputStream(), Framing.CONTROL,
                            Control.encode(new Control.Hello("fed-test", "site-4")));
                    byte[] firstAdvert = null;
                    while (true) {
                        Framing.Frame fr = Framing.read(s.getInputStream(), 1 << 24).orElseThrow();
                        if (fr.channel() != Framing.CONTROL || !(Control.decode(fr.payload()) instanceof Control.Task t)) {
                            continue;
                        }
                        Framing.write(s.getOutputStream(), Framing.CONTROL,
                                Control.encode(new Control.Answer(t.round(), java.util.Optional.empty())));
                        if (firstAdvert == null) {
                            long[] zero = new long[t.parameters().length + 1];
                            firstAdvert = codec.encode(new dev.bastion.privacy.fl.SecAggClient(RoundPlan.config(t, 4), 4,
                                    rogue.signing().orElseThrow(), keys, zero, new java.security.SecureRandom()).advertise());
                            Framing.write(s.getOutputStream(), Framing.SECAGG, firstAdvert);
                        } else {
                            Framing.write(s.getOutputStream(), Framing.SECAGG, firstAdvert);
                            long[] zero = new long[t.parameters().length + 1];
                            Framing.write(s.getOutputStream(), Framing.SECAGG, codec.encode(
                                    new dev.bastion.privacy.fl.SecAggClient(RoundPlan.config(t, 4), 1,
                                            rogue.signing().orElseThrow(), keys, zero,
                                            new java.security.SecureRandom()).advertise()));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the run ended
                }
            });
            assertEquals(4, links.awaitSites(java.time.Duration.ofSeconds(20)));
            List<Coordinator.RoundReport> reports = new ArrayList<>();
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            new Coordinator(f.roster, links, f.settings("full", 2, "logreg", 0), events::add)
                    .run(new LogisticRegression(2, 2).initialParameters(new Random(1)), reports::add);
            assertEquals(Set.of(1, 2, 3), reports.get(0).survivors());
            assertEquals(Set.of(1, 2, 3), reports.get(1).survivors());
            assertTrue(events.contains("fl.frame-refused site=4 reason=not expected now (replay?)"), events.toString());
            assertTrue(events.contains("fl.frame-refused site=4 reason=sender is not the TLS peer"), events.toString());
            assertEquals(Coordinator.sumDigest(f.plainSum(Set.of(1, 2, 3), 1, reports.get(1).bits())),
                    reports.get(1).sumSha256().orElseThrow());
        }
    }
}
