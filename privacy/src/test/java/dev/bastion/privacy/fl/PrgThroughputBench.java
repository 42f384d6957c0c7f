package dev.bastion.privacy.fl;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The floors under SecAgg+'s masking, for bench/fl/prg.sh: the JDK's AES-256-CTR key-stream throughput on this CPU
 * (a plain loop, no JMH: warm-up passes, then the best of several timed passes), {@link Prg#maskInto} per
 * coordinate at a given b, one X25519 agreement with HKDF ({@link KeyAgreement#agree}), and one Ed25519
 * verification (Tink). Prints one line per figure; the arithmetic that turns them into floors is in
 * docs/federated-learning.md, "Scale".
 *
 * <p>Usage: {@code PrgThroughputBench P BITS}.
 */
final class PrgThroughputBench {
    private static final java.lang.management.ThreadMXBean THREAD = java.lang.management.ManagementFactory.getThreadMXBean();

    private PrgThroughputBench() {
    }

    /** Seconds of this thread's CPU: on a shared, loaded machine the wall clock also counts other processes' turns. */
    private static double cpu() {
        return THREAD.getCurrentThreadCpuTime() / 1e9;
    }

    public static void main(String[] args) throws Exception {
        int p = Integer.parseInt(args[0]);
        int bits = Integer.parseInt(args[1]);
        byte[] seed = new byte[32];
        new Random(1).nextBytes(seed);

        for (int chunk : new int[] {16 << 10, 64 << 10}) {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
            byte[] in = new byte[chunk];
            byte[] out = new byte[chunk];
            long total = 256L << 20;
            double best = Double.MAX_VALUE;
            double bestCpu = Double.MAX_VALUE;
            for (int pass = 0; pass < 8; pass++) {
                long t0 = System.nanoTime();
                double c0 = cpu();
                for (long done = 0; done < total; done += chunk) {
                    aes.update(in, 0, chunk, out, 0);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (pass >= 3) {
                    best = Math.min(best, s);
                    bestCpu = Math.min(bestCpu, cpu() - c0);
                }
            }
            System.out.printf("AES-256-CTR key stream, %d-byte updates: %.2f GB/s wall, %.2f GB/s of CPU time (best of "
                    + "5 passes of 256 MiB)%n", chunk, total / best / 1e9, total / bestCpu / 1e9);
        }

        long[] vector = new long[p];
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        int masks = Math.max(1, (int) (200_000_000L / p));
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            double c0 = cpu();
            for (int i = 0; i < masks; i++) {
                Prg.maskInto(vector, seed, "bench/1/pair-mask", 1, bits);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, s);
                bestCpu = Math.min(bestCpu, cpu() - c0);
            }
        }
        System.out.printf("Prg.maskInto, %d coordinates at b = %d: %.3f ms a mask wall, %.2f ns a coordinate; CPU "
                + "%.3f ms, %.2f ns%n", p, bits, best / masks * 1e3, best / masks / p * 1e9, bestCpu / masks * 1e3,
                bestCpu / masks / p * 1e9);

        if (bits <= 32) { // the server's fold since round ten: whole 32-bit words into an int vector
            int[] words = new int[p];
            best = Double.MAX_VALUE;
            bestCpu = Double.MAX_VALUE;
            for (int pass = 0; pass < 6; pass++) {
                long t0 = System.nanoTime();
                double c0 = cpu();
                for (int i = 0; i < masks; i++) {
                    Prg.accumulateWords(words, seed, "bench/1/pair-mask", 1);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (pass >= 2) {
                    best = Math.min(best, s);
                    bestCpu = Math.min(bestCpu, cpu() - c0);
                }
            }
            System.out.printf("Prg.accumulateWords, %d coordinates: %.3f ms a mask wall, %.2f ns a coordinate; CPU "
                    + "%.3f ms, %.2f ns%n", p, best / masks * 1e3, best / masks / p * 1e9, bestCpu / masks * 1e3,
                    bestCpu / masks / p * 1e9);
        }

        KeyAgreement.Pair a = KeyAgreement.generate();
        KeyAgreement.Pair b = KeyAgreement.generate();
        byte[] info = new byte[] {1, 2, 3};
        best = Double.MAX_VALUE;
        bestCpu = Double.MAX_VALUE;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            double c0 = cpu();
            for (int i = 0; i < 2000; i++) {
                KeyAgreement.agree(a.privateKey(), b.publicKey(), info);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, s);
                bestCpu = Math.min(bestCpu, cpu() - c0);
            }
        }
        System.out.printf("X25519 + HKDF agreement (KeyAgreement.agree): %.3f ms wall, %.3f ms CPU%n",
                best / 2000 * 1e3, bestCpu / 2000 * 1e3);

        Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPair();
        byte[] message = new byte[64];
        byte[] signature = new Ed25519Sign(pair.getPrivateKey()).sign(message);
        Ed25519Verify verify = new Ed25519Verify(pair.getPublicKey());
        best = Double.MAX_VALUE;
        bestCpu = Double.MAX_VALUE;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            double c0 = cpu();
            for (int i = 0; i < 1000; i++) {
                verify.verify(signature, message);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, s);
                bestCpu = Math.min(bestCpu, cpu() - c0);
            }
        }
        System.out.printf("Ed25519 verification (Tink): %.3f ms wall, %.3f ms CPU%n", best / 1000 * 1e3,
                bestCpu / 1000 * 1e3);

        // A SecAgg+ client's other per-peer work at N = 1,000 (k = 206, t = 104): two Shamir splits over its
        // k + 1 holders, one AES-GCM seal and one open per neighbour.
        int[] xs = new int[207];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i + 1;
        }
        java.util.random.RandomGenerator random = new java.security.SecureRandom();
        best = Double.MAX_VALUE;
        bestCpu = Double.MAX_VALUE;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            double c0 = cpu();
            for (int i = 0; i < 20; i++) {
                Shamir.split(seed, 104, xs, random);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, s);
                bestCpu = Math.min(bestCpu, cpu() - c0);
            }
        }
        System.out.printf("Shamir split, t = 104 over 207 holders: %.3f ms wall, %.3f ms CPU%n", best / 20 * 1e3,
                bestCpu / 20 * 1e3);
        byte[] plain = new byte[80];
        byte[] ad = new byte[40];
        best = Double.MAX_VALUE;
        bestCpu = Double.MAX_VALUE;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            double c0 = cpu();
            for (int i = 0; i < 2000; i++) {
                ShareBox.open(seed, ShareBox.seal(seed, plain, ad), ad).orElseThrow();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, s);
                bestCpu = Math.min(bestCpu, cpu() - c0);
            }
        }
        System.out.printf("ShareBox seal + open (AES-256-GCM, 80 bytes): %.3f ms wall, %.3f ms CPU%n",
                best / 2000 * 1e3, bestCpu / 2000 * 1e3);
    }
}
