package dev.bastion.privacy.fl.he;

import dev.bastion.crypto.SigningKey;
import dev.bastion.privacy.fl.he.HeMessages.DecryptReply;
import dev.bastion.privacy.fl.he.HeMessages.DecryptRequest;
import dev.bastion.privacy.fl.he.HeMessages.Upload;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One attempt of a homomorphic aggregation round with the coordinator and the sites in this JVM, the transport of
 * {@code bastion fl simulate --secagg he} and of the tests. Two stages: every site uploads its signed, encrypted,
 * packed update ({@link Stage#UPLOAD}); the coordinator multiplies the ciphertexts (it holds no key share and cannot
 * decrypt) and asks sites, one after another, to partially decrypt the sum of those uploads until t proofs check
 * ({@link Stage#DECRYPT}); then it combines the t partials and unpacks the Z_2^b sum.
 *
 * <p>Dropouts: a site that drops at UPLOAD is gone for the attempt; one that drops at DECRYPT uploaded but does not
 * answer, and the coordinator asks the next. Fewer than {@code minSummands} uploads or fewer than t valid partials
 * abort the attempt with no output; a retry of the same training round must present the same uploads, because every
 * site that answered is bound to that sum ({@link HeSite}). Bytes are the messages' wire sizes; seconds are the
 * computing time of the stage, all sites run one after another. Not thread-safe.
 */
public final class HeAggregation {

    public enum Stage { UPLOAD, DECRYPT }

    /** Whether {@code site} vanishes instead of sending its message of {@code stage}. */
    @FunctionalInterface
    public interface Dropout {
        boolean drops(int site, Stage stage);

        Dropout NONE = (site, stage) -> false;
    }

    public record StageStats(Stage stage, int senders, long bytesUp, long bytesDown, double seconds) {
    }

    /** How an attempt ended. */
    public sealed interface Outcome {
        /** The Z_2^b sum of the included sites' vectors; {@code decryptors} gave the partials used. */
        record Done(long[] sum, List<Integer> included, List<Integer> decryptors) implements Outcome {
            public Done {
                sum = sum.clone();
                included = List.copyOf(included);
                decryptors = List.copyOf(decryptors);
            }

            @Override
            public long[] sum() {
                return sum.clone();
            }
        }

        /** No output; {@code request} is kept for a retry when uploads were collected. */
        record Aborted(String reason, Optional<DecryptRequest> request) implements Outcome {
        }
    }

    public record Report(Outcome outcome, List<StageStats> stages, Map<Integer, String> refusals) {
        public Report {
            stages = List.copyOf(stages);
            refusals = Map.copyOf(refusals);
        }

        public long bytesUp() {
            return stages.stream().mapToLong(StageStats::bytesUp).sum();
        }

        public long bytesDown() {
            return stages.stream().mapToLong(StageStats::bytesDown).sum();
        }
    }

    private HeAggregation() {
    }

    /**
     * Runs one attempt.
     *
     * @param vectors each site's Z_2^b vector, by site id (used only by that site)
     * @param retry the request of an earlier attempt of the same round, if its uploads were collected
     * @param recorder sees every message the coordinator receives (its whole view)
     */
    public static Report run(String federation, long round, PublicKey key, SlotPacking packing,
            Map<Integer, byte[]> roster, List<HeSite> sites, Map<Integer, long[]> vectors, int minSummands,
            Optional<DecryptRequest> retry, Dropout dropout, Consumer<Object> recorder) {
        SortedMap<Integer, HeSite> byId = new TreeMap<>();
        sites.forEach(s -> byId.put(s.id(), s));
        List<StageStats> stats = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        int length = vectors.values().iterator().next().length;

        DecryptRequest request;
        if (retry.isPresent()) {
            request = retry.get();
            for (int s : byId.keySet()) {
                if (dropout.drops(s, Stage.UPLOAD)) {
                    gone.add(s);
                }
            }
        } else {
            long start = System.nanoTime();
            long up = 0;
            List<Upload> uploads = new ArrayList<>();
            for (HeSite site : byId.values()) {
                if (dropout.drops(site.id(), Stage.UPLOAD)) {
                    gone.add(site.id());
                    continue;
                }
                Upload u = site.upload(round, packing.pack(vectors.get(site.id())));
                recorder.accept(u);
                up += u.wireBytes(key);
                // the coordinator drops what its sites would refuse anyway
                if (u.round() == round && u.site() == site.id() && SigningKey.verify(SigningKey.Algorithm.ED25519,
                        roster.get(u.site()), u.signedBytes(), u.signature())) {
                    uploads.add(u);
                }
            }
            stats.add(new StageStats(Stage.UPLOAD, uploads.size(), up, 0, (System.nanoTime() - start) / 1e9));
            request = new DecryptRequest(federation, round, uploads);
            if (uploads.size() < minSummands) {
                return new Report(new Outcome.Aborted(uploads.size() + " uploads, fewer than the " + minSummands
                        + " the sites require", Optional.empty()), stats, Map.of());
            }
        }

        long start = System.nanoTime();
        List<Ciphertext> sum = new ArrayList<>(request.uploads().getFirst().ciphertexts());
        for (Upload u : request.uploads().subList(1, request.uploads().size())) {
            for (int j = 0; j < sum.size(); j++) {
                sum.set(j, key.add(sum.get(j), u.ciphertexts().get(j)));
            }
        }
        List<Integer> included = request.uploads().stream().map(Upload::site).sorted().toList();
        byte[] digest = HeMessages.sumDigest(included, sum);
        long up = 0;
        long down = 0;
        int senders = 0;
        Map<Integer, String> refusals = new TreeMap<>();
        List<List<PartialDecryption>> valid = new ArrayList<>();
        List<Integer> decryptors = new ArrayList<>();
        for (HeSite site : byId.values()) {
            if (valid.size() == key.threshold()) {
                break;
            }
            down += request.wireBytes(key);
            if (gone.contains(site.id()) || dropout.drops(site.id(), Stage.DECRYPT)) {
                continue; // asked, never answered: the coordinator times out and asks the next
            }
            DecryptReply reply = site.decrypt(request);
            recorder.accept(reply);
            senders++;
            switch (reply) {
                case DecryptReply.Refused r -> {
                    up += 64;
                    refusals.put(r.site(), r.reason());
                }
                case DecryptReply.Partials p -> {
                    up += p.wireBytes(key);
                    if (proofsHold(key, federation, round, digest, sum, p)) {
                        valid.add(p.partials());
                        decryptors.add(p.site());
                    } else {
                        refusals.put(p.site(), "a partial decryption failed its proof");
                    }
                }
            }
        }
        if (valid.size() < key.threshold()) {
            stats.add(new StageStats(Stage.DECRYPT, senders, up, down, (System.nanoTime() - start) / 1e9));
            return new Report(new Outcome.Aborted(valid.size() + " valid partial decryptions, " + key.threshold()
                    + " needed", Optional.of(request)), stats, refusals);
        }
        List<BigInteger> plaintexts = new ArrayList<>();
        for (int j = 0; j < sum.size(); j++) {
            List<PartialDecryption> forJ = new ArrayList<>();
            for (List<PartialDecryption> v : valid) {
                forJ.add(v.get(j));
            }
            plaintexts.add(ThresholdPaillier.combine(key, sum.get(j), forJ));
        }
        long[] result = packing.unpack(plaintexts, length);
        stats.add(new StageStats(Stage.DECRYPT, senders, up, down, (System.nanoTime() - start) / 1e9));
        return new Report(new Outcome.Done(result, included, decryptors), stats, refusals);
    }

    private static boolean proofsHold(PublicKey key, String federation, long round, byte[] digest,
            List<Ciphertext> sum, DecryptReply.Partials p) {
        if (p.partials().size() != sum.size()) {
            return false;
        }
        for (int j = 0; j < sum.size(); j++) {
            PartialDecryption pd = p.partials().get(j);
            if (pd.index() != p.site()
                    || !pd.verify(key, sum.get(j), HeMessages.decryptionContext(federation, round, digest, j))) {
                return false;
            }
        }
        return true;
    }
}
