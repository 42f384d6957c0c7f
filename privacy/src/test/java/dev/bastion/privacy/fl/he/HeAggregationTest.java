package dev.bastion.privacy.fl.he;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.Quantizer;
import dev.bastion.privacy.fl.he.HeAggregation.Outcome;
import dev.bastion.privacy.fl.he.HeAggregation.Stage;
import dev.bastion.privacy.fl.he.HeMessages.DecryptReply;
import dev.bastion.privacy.fl.he.HeMessages.DecryptRequest;
import dev.bastion.privacy.fl.he.HeMessages.Upload;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeAggregationTest {
    private static final int SITES = 10;
    private static final int LENGTH = 60; // more than one plaintext of 1024-bit n

    /** Ten sites of one federation over the fixture key, with their roster and quantised vectors. */
    private static final class Federation {
        final String name = "fed-test";
        final PublicKey key = HeFixture.tenSites().publicKey();
        final Quantizer quantizer = new Quantizer(4, 20, 4096, SITES);
        final SlotPacking packing = SlotPacking.forKey(key, quantizer.bits(), SITES);
        final Map<Integer, byte[]> roster = new HashMap<>();
        final Map<Integer, SigningKey> identities = new HashMap<>();
        final List<HeSite> sites = new ArrayList<>();
        final Map<Integer, long[]> vectors = new HashMap<>();

        Federation(long seed) {
            for (int u = 1; u <= SITES; u++) {
                identities.put(u, SigningKey.generate(SigningKey.Algorithm.ED25519));
                roster.put(u, identities.get(u).publicKeyX509());
            }
            for (int u = 1; u <= SITES; u++) {
                sites.add(new HeSite(name, u, key, HeFixture.tenSites().shares().get(u - 1), identities.get(u), roster,
                        key.threshold(), new SecureRandom()));
            }
            Random random = new Random(seed);
            for (int u = 1; u <= SITES; u++) {
                double[] update = new double[LENGTH - 1];
                for (int j = 0; j < update.length; j++) {
                    update[j] = j % 7 == 0 ? (j % 2 == 0 ? 4 : -4) : random.nextGaussian(); // some at the clip
                }
                vectors.put(u, quantizer.encode(update, 4096, random)); // the largest count
            }
        }

        HeAggregation.Report run(long round, Optional<DecryptRequest> retry, HeAggregation.Dropout dropout) {
            return HeAggregation.run(name, round, key, packing, roster, sites, vectors, key.threshold(), retry,
                    dropout, m -> { });
        }

        long[] plainSum(Set<Integer> of) {
            long[] sum = new long[LENGTH];
            for (int u : of) {
                quantizer.addInto(sum, vectors.get(u));
            }
            return sum;
        }

        Upload upload(int site, long round) {
            return sites.get(site - 1).upload(round, packing.pack(vectors.get(site)));
        }
    }

    private static Set<Integer> allBut(Set<Integer> dropped) {
        Set<Integer> s = new java.util.TreeSet<>();
        for (int u = 1; u <= SITES; u++) {
            if (!dropped.contains(u)) {
                s.add(u);
            }
        }
        return s;
    }

    @Test
    void theAggregateEqualsThePlaintextQuantisedSumExactly() {
        Federation f = new Federation(1);
        HeAggregation.Report r = f.run(1, Optional.empty(), HeAggregation.Dropout.NONE);
        Outcome.Done done = assertInstanceOf(Outcome.Done.class, r.outcome());
        assertArrayEquals(f.plainSum(allBut(Set.of())), done.sum());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), done.included());
        assertEquals(7, done.decryptors().size(), "exactly t sites are asked when none drops");
        assertEquals(2, r.stages().size());
        long uploadBytes = r.stages().getFirst().bytesUp();
        assertTrue(uploadBytes >= (long) SITES * f.packing.plaintexts(LENGTH) * f.key.ciphertextBytes());
    }

    @Test
    void upToNMinusTDropoutsAtEitherStageSumExactlyTheSitesThatUploaded() {
        Federation f = new Federation(2);
        Set<Integer> atUpload = Set.of(2, 9);
        HeAggregation.Report r = f.run(1, Optional.empty(), (site, stage) ->
                stage == Stage.UPLOAD ? atUpload.contains(site) : site == 1);
        Outcome.Done done = assertInstanceOf(Outcome.Done.class, r.outcome());
        assertArrayEquals(f.plainSum(allBut(atUpload)), done.sum());
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 10), done.decryptors(), "site 1 uploaded, then went silent");

        Federation g = new Federation(3);
        Set<Integer> late = Set.of(1, 4, 10);
        Outcome.Done lateDone = assertInstanceOf(Outcome.Done.class, g.run(1, Optional.empty(),
                (site, stage) -> stage == Stage.DECRYPT && late.contains(site)).outcome());
        assertArrayEquals(g.plainSum(allBut(Set.of())), lateDone.sum(), "late dropouts are still in the sum");
    }

    @Test
    void fourOfTenDroppingAbortsWithNoOutputAndARetryOfTheSameSumFinishes() {
        Federation f = new Federation(4);
        Set<Integer> four = Set.of(3, 5, 7, 8);
        HeAggregation.Report early = f.run(1, Optional.empty(), (site, stage) -> four.contains(site));
        Outcome.Aborted a = assertInstanceOf(Outcome.Aborted.class, early.outcome());
        assertTrue(a.request().isEmpty());
        assertTrue(a.reason().contains("6 uploads"));

        HeAggregation.Report late = f.run(2, Optional.empty(),
                (site, stage) -> stage == Stage.DECRYPT && four.contains(site));
        Outcome.Aborted b = assertInstanceOf(Outcome.Aborted.class, late.outcome());
        assertTrue(b.request().isPresent(), "all ten uploaded, six decrypted");
        HeAggregation.Report retry = f.run(2, b.request(), HeAggregation.Dropout.NONE);
        Outcome.Done done = assertInstanceOf(Outcome.Done.class, retry.outcome());
        assertArrayEquals(f.plainSum(allBut(Set.of())), done.sum());
    }

    @Test
    void aSiteRefusesToDecryptASingleSitesCiphertext() {
        Federation f = new Federation(5);
        HeSite site = f.sites.get(0);
        DecryptReply one = site.decrypt(new DecryptRequest(f.name, 1, List.of(f.upload(4, 1))));
        assertTrue(assertInstanceOf(DecryptReply.Refused.class, one).reason().contains("fewer than the 7"));
        List<Upload> six = new ArrayList<>();
        for (int u = 2; u <= 7; u++) {
            six.add(f.upload(u, 1));
        }
        assertInstanceOf(DecryptReply.Refused.class, site.decrypt(new DecryptRequest(f.name, 1, six)),
                "t - 1 uploads are still too few");
    }

    @Test
    void aSiteRefusesForgedRepeatedOrForeignUploads() {
        Federation f = new Federation(6);
        HeSite site = f.sites.get(0);
        List<Upload> seven = new ArrayList<>();
        for (int u = 2; u <= 8; u++) {
            seven.add(f.upload(u, 3));
        }
        Upload genuine = seven.get(0);
        List<Upload> forged = new ArrayList<>(seven);
        forged.set(0, new Upload(f.name, 3, genuine.site(), f.upload(9, 3).ciphertexts(), genuine.signature()));
        assertTrue(assertInstanceOf(DecryptReply.Refused.class, site.decrypt(new DecryptRequest(f.name, 3, forged)))
                .reason().contains("not signed"), "site 9's ciphertext under site 2's name");
        List<Upload> padded = new ArrayList<>(seven.subList(0, 6));
        padded.add(seven.get(0));
        assertInstanceOf(DecryptReply.Refused.class, site.decrypt(new DecryptRequest(f.name, 3, padded)),
                "one site counted twice to reach the floor");
        assertInstanceOf(DecryptReply.Refused.class, site.decrypt(new DecryptRequest(f.name, 4, seven)),
                "round 3 uploads replayed into round 4");
        assertInstanceOf(DecryptReply.Refused.class, site.decrypt(new DecryptRequest("other-fed", 3, seven)));
        assertInstanceOf(DecryptReply.Partials.class, site.decrypt(new DecryptRequest(f.name, 3, seven)),
                "the genuine request is answered");
    }

    @Test
    void aSiteDecryptsOneSumPerRoundSoTwoSumsCannotIsolateAnUpdate() {
        Federation f = new Federation(7);
        HeSite site = f.sites.get(0);
        List<Upload> all = new ArrayList<>();
        for (int u = 1; u <= SITES; u++) {
            all.add(f.upload(u, 5));
        }
        DecryptRequest everyone = new DecryptRequest(f.name, 5, all);
        DecryptRequest withoutTen = new DecryptRequest(f.name, 5, all.subList(0, 9));
        assertInstanceOf(DecryptReply.Partials.class, site.decrypt(everyone));
        assertTrue(assertInstanceOf(DecryptReply.Refused.class, site.decrypt(withoutTen)).reason()
                .contains("already decrypted a different sum"), "the difference would be site 10's update");
        assertInstanceOf(DecryptReply.Partials.class, site.decrypt(everyone), "the same sum again is a retry");
        assertInstanceOf(DecryptReply.Partials.class, site.decrypt(new DecryptRequest(f.name, 6,
                List.of(f.upload(1, 6), f.upload(2, 6), f.upload(3, 6), f.upload(4, 6), f.upload(5, 6),
                        f.upload(6, 6), f.upload(7, 6)))), "a new round is a new sum");
    }

    @Test
    void theCoordinatorSeesOnlyCiphertextsAndProvenPartialsOfTheSum() {
        Federation f = new Federation(8);
        List<Object> view = new ArrayList<>();
        HeAggregation.run(f.name, 1, f.key, f.packing, f.roster, f.sites, f.vectors, f.key.threshold(),
                Optional.empty(), HeAggregation.Dropout.NONE, view::add);
        assertEquals(SITES + 7, view.size());
        for (Object m : view) {
            assertTrue(m instanceof Upload || m instanceof DecryptReply.Partials, m.getClass().getSimpleName());
        }
        // the partials the coordinator holds are proofs about the sum, and about no single upload
        List<Ciphertext> sum = new ArrayList<>(((Upload) view.getFirst()).ciphertexts());
        for (Object m : view.subList(1, SITES)) {
            for (int j = 0; j < sum.size(); j++) {
                sum.set(j, f.key.add(sum.get(j), ((Upload) m).ciphertexts().get(j)));
            }
        }
        byte[] context = HeMessages.decryptionContext(f.name, 1,
                HeMessages.sumDigest(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), sum), 0);
        PartialDecryption p = ((DecryptReply.Partials) view.get(SITES)).partials().getFirst();
        assertTrue(p.verify(f.key, sum.getFirst(), context));
        assertTrue(!p.verify(f.key, ((Upload) view.getFirst()).ciphertexts().getFirst(), context));
    }
}
