package dev.bastion.privacy.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bastion.privacy.fl.Messages.AdvertiseKeys;
import dev.bastion.privacy.fl.Messages.MaskedInput;
import dev.bastion.privacy.fl.Messages.Stage;
import dev.bastion.privacy.fl.Messages.ToServer;
import dev.bastion.privacy.fl.Messages.UnmaskShares;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything the server receives is recorded; the test then does what a curious server would: rebuilds every secret
 * that t revealed shares allow, removes every mask it can, and checks that no client's input comes out.
 */
class SecAggServerViewTest {

    @ParameterizedTest(name = "two of ten drop at {0}")
    @EnumSource(Stage.class)
    void noSingleInputIsEverUnmaskedFromWhatTheServerReceives(Stage stage) {
        SecAggFixture f = new SecAggFixture(SecAggConfig.full("fed", 2, 10, 1.0 / 3, 2000, 40, Duration.ofSeconds(5)), 11);
        List<ToServer> seen = new ArrayList<>();
        InProcessRound.Report report = InProcessRound.run(f.config, f.clients,
                (client, s) -> s == stage && (client == 2 || client == 8), seen::add);
        SecAggServer.Step.Done done = assertInstanceOf(SecAggServer.Step.Done.class, report.outcome());

        Map<Integer, AdvertiseKeys> keys = new HashMap<>();
        Map<Integer, long[]> masked = new HashMap<>();
        Map<Integer, List<Shamir.Share>> selfShares = new HashMap<>();
        Map<Integer, List<Shamir.Share>> keyShares = new HashMap<>();
        Map<List<Integer>, byte[]> revealedSeeds = new HashMap<>(); // (lower id, higher id) -> pair-mask seed
        for (ToServer m : seen) {
            switch (m) {
                case AdvertiseKeys a -> keys.put(a.header().sender(), a);
                case MaskedInput y -> masked.put(y.header().sender(), y.masked());
                case UnmaskShares u -> {
                    u.selfMaskShares().forEach((owner, s) -> selfShares.computeIfAbsent(owner, o -> new ArrayList<>()).add(s));
                    u.maskKeyShares().forEach((owner, s) -> keyShares.computeIfAbsent(owner, o -> new ArrayList<>()).add(s));
                    int from = u.header().sender();
                    u.pairSeeds().forEach((peer, seed) -> revealedSeeds.put(pair(from, peer), seed));
                }
                default -> { }
            }
        }
        int t = f.config.threshold();
        Map<Integer, byte[]> selfSeeds = rebuild(selfShares, t);
        Map<Integer, byte[]> maskKeys = rebuild(keyShares, t);
        for (int u = 1; u <= 10; u++) {
            assertFalse(selfSeeds.containsKey(u) && maskKeys.containsKey(u), "both secrets of client " + u);
        }

        long modMask = (1L << f.config.bits()) - 1;
        long[] total = new long[f.config.length()];
        for (Map.Entry<Integer, long[]> e : masked.entrySet()) {
            int u = e.getKey();
            long[] residue = bestUnmasking(f.config, u, e.getValue(), keys, masked.keySet(), selfSeeds, maskKeys,
                    revealedSeeds);
            SecAggClient.addInto(total, residue, 1, modMask);
            assertFalse(Arrays.equals(f.inputs.get(u), residue), "client " + u + "'s input came out");
            long[] noise = residue.clone();
            SecAggClient.addInto(noise, f.inputs.get(u), -1, modMask);
            int top = 0;
            for (long v : noise) {
                top += (int) (v >>> (f.config.bits() - 1));
            }
            // what stays on the input looks uniform: the top bit is set about half the time (4.5 sigma)
            assertEquals(1000, top, 4.5 * Math.sqrt(500), "client " + u + "'s residue is biased");
        }
        // the same derivation applied to every survivor gives the sum: the test removes exactly the masks it can
        assertArrayEquals(done.sum(), total);
        assertArrayEquals(f.plainSum(done.included()), total);
    }

    private static Map<Integer, byte[]> rebuild(Map<Integer, List<Shamir.Share>> shares, int t) {
        Map<Integer, byte[]> out = new HashMap<>();
        shares.forEach((owner, list) -> {
            if (list.size() >= t) {
                out.put(owner, Shamir.reconstruct(list.subList(0, t)));
            }
        });
        return out;
    }

    private static List<Integer> pair(int a, int b) {
        return List.of(Math.min(a, b), Math.max(a, b));
    }

    /** y_u minus every mask of u the server can compute: its self mask if b_u is known, and each pairwise mask
     *  whose secret key (of u or of the peer) is known or whose seed one of the two revealed. */
    private static long[] bestUnmasking(SecAggConfig config, int u, long[] y, Map<Integer, AdvertiseKeys> keys,
            java.util.Set<Integer> survivors, Map<Integer, byte[]> selfSeeds, Map<Integer, byte[]> maskKeys,
            Map<List<Integer>, byte[]> revealedSeeds) {
        long modMask = (1L << config.bits()) - 1;
        long[] r = y.clone();
        if (selfSeeds.containsKey(u)) {
            SecAggClient.addInto(r, Prg.mask(selfSeeds.get(u), config.selfMaskDomain(), r.length, config.bits()), -1, modMask);
        }
        for (int v : config.holdersOf(u)) {
            if (v == u || !keys.containsKey(v)) {
                continue;
            }
            Optional<byte[]> seed = Optional.ofNullable(revealedSeeds.get(pair(u, v)));
            if (seed.isPresent()) {
                // revealed by u or v at unmasking
            } else if (maskKeys.containsKey(v)) {
                seed = Optional.of(KeyAgreement.agree(KeyAgreement.privateKey(maskKeys.get(v)), keys.get(u).maskKey(),
                        config.pairInfo("pair-mask", u, v)));
            } else if (maskKeys.containsKey(u)) {
                seed = Optional.of(KeyAgreement.agree(KeyAgreement.privateKey(maskKeys.get(u)), keys.get(v).maskKey(),
                        config.pairInfo("pair-mask", u, v)));
            }
            // a pairwise mask is only in y_u if v shared with u; a survivor's mask cancels in the sum, so the server
            // removes it only when it can compute it and v is not a survivor (else the test would double count)
            if (seed.isPresent() && !survivors.contains(v)) {
                SecAggClient.addInto(r, Prg.mask(seed.get(), config.pairMaskDomain(), r.length, config.bits()),
                        u > v ? -1 : 1, modMask);
            }
        }
        return r;
    }
}
