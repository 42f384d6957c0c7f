package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates valid GGUF files (truncation at every offset, every header field set to huge or boundary values, random
 * byte flips) and checks that every mutant either parses into a layout whose tensors lie inside the file or is
 * refused with a {@link GgufFormatException}: no other exception, no error, and no case slower than a bound.
 */
class GgufFuzzTest {
    private static final long[] HUGE_64 = {1L << 60, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 31, 65, 0};
    private static final long[] HUGE_32 = {0xFFFF_FFFFL, 0x8000_0000L, 0x7FFF_FFFFL, 13, 9, 5, 0};
    private static final long CASE_BOUND_NANOS = 100_000_000L;

    @TempDir
    Path dir;

    private record Outcome(int parsed, int refused, long slowestNanos, List<String> escapes) {
    }

    private final List<String> escapes = new ArrayList<>();
    private int parsed;
    private int refused;
    private long slowest;
    private String slowestCase = "";

    @Test
    void everyMutantParsesOrIsRefusedWithAFormatException() throws IOException {
        long t0 = System.nanoTime();
        for (byte[] seed : seeds()) {
            int header = headerLength(seed);
            for (int cut = 0; cut < seed.length; cut += cut < header + 8 ? 1 : 13) {
                run("truncated at " + cut, java.util.Arrays.copyOf(seed, cut));
            }
            for (int p = 0; p + 8 <= header; p++) {
                for (long v : HUGE_64) {
                    run("u64 " + v + " at " + p, overwrite(seed, p, v, 8));
                }
                for (long v : HUGE_32) {
                    run("u32 " + v + " at " + p, overwrite(seed, p, v, 4));
                }
            }
            Random random = new Random(0x6767_7566L + seed.length);
            for (int i = 0; i < 1500; i++) {
                byte[] m = seed.clone();
                int flips = 1 + random.nextInt(4);
                StringBuilder what = new StringBuilder("flips");
                for (int f = 0; f < flips; f++) {
                    int at = random.nextInt(random.nextBoolean() ? header : m.length);
                    m[at] = (byte) random.nextInt(256);
                    what.append(' ').append(at);
                }
                run(what.toString(), m);
            }
        }
        Outcome o = new Outcome(parsed, refused, slowest, escapes);
        System.out.printf("GGUF fuzz: %d cases (%d parsed, %d refused) in %.1f s, slowest %.1f ms (%s)%n",
                o.parsed() + o.refused(), o.parsed(), o.refused(), (System.nanoTime() - t0) / 1e9,
                o.slowestNanos() / 1e6, slowestCase);
        assertThat(o.escapes()).isEmpty();
        assertThat(o.parsed() + o.refused()).isGreaterThan(5_000);
        assertThat(o.refused()).isGreaterThan(o.parsed() / 10);
        assertThat(o.slowestNanos()).isLessThan(CASE_BOUND_NANOS);
    }

    @Test
    void mutantsOpenedFromDiskBehaveAsInMemory() throws IOException {
        byte[] seed = seeds().getFirst();
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] m = seed.clone();
            m[random.nextInt(headerLength(seed))] = (byte) random.nextInt(256);
            Path p = Files.write(dir.resolve("m" + i + ".gguf"), m);
            boolean inMemory;
            try {
                GgufParser.parse(MemorySegment.ofArray(m));
                inMemory = true;
            } catch (GgufFormatException e) {
                inMemory = false;
            }
            boolean onDisk;
            try (GgufFile f = GgufFile.open(p)) {
                onDisk = true;
                for (GgufTensor t : f.tensors()) {
                    assertThat(f.data(t).byteSize()).isEqualTo(t.byteSize());
                }
            } catch (GgufFormatException e) {
                onDisk = false;
            }
            assertThat(onDisk).as("mutant %d", i).isEqualTo(inMemory);
        }
    }

    /**
     * Runs one case; a case slower than 20 ms is run twice more and timed by its fastest run, so that a pause of
     * the shared machine (GC, another build) is not taken for a parser that hangs.
     */
    private void run(String what, byte[] content) {
        long took = once(what, content);
        for (int retry = 0; retry < 2 && took > 20_000_000L; retry++) {
            long t0 = System.nanoTime();
            try {
                GgufParser.parse(MemorySegment.ofArray(content));
            } catch (Throwable expected) {
                // already classified by the first run
            }
            took = Math.min(took, System.nanoTime() - t0);
        }
        if (took > slowest) {
            slowest = took;
            slowestCase = what;
        }
    }

    private long once(String what, byte[] content) {
        long t0 = System.nanoTime();
        try {
            GgufParser.Layout layout = GgufParser.parse(MemorySegment.ofArray(content));
            for (GgufTensor t : layout.tensors()) {
                if (layout.dataOffset() + t.offset() + t.byteSize() > content.length
                        || t.offset() % layout.alignment() != 0) {
                    escapes.add(what + ": tensor " + t + " accepted outside the file or misaligned");
                }
            }
            readEveryKey(layout.metadata());
            parsed++;
        } catch (GgufFormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                escapes.add(what + ": format exception without a message");
            }
            refused++;
        } catch (Throwable e) {
            escapes.add(what + ": " + e);
        }
        return System.nanoTime() - t0;
    }

    /** Every getter on every key either answers or throws a format exception; anything else escapes. */
    private static void readEveryKey(GgufMetadata m) {
        for (String k : m.keys()) {
            List<ThrowingGetter> getters = List.of(m::string, m::integer, m::number, m::bool, m::strings, m::ints,
                    m::floats);
            for (ThrowingGetter g : getters) {
                try {
                    g.get(k);
                } catch (GgufFormatException expected) {
                    // a wrong type or an out-of-range value: a clean refusal
                }
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingGetter {
        Object get(String key) throws GgufFormatException;
    }

    private static byte[] overwrite(byte[] seed, int at, long value, int width) {
        byte[] m = seed.clone();
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 8) {
            b.putLong(at, value);
        } else {
            b.putInt(at, (int) value);
        }
        return m;
    }

    private static int headerLength(byte[] file) {
        try {
            return (int) GgufParser.parse(MemorySegment.ofArray(file)).dataOffset();
        } catch (GgufFormatException e) {
            throw new AssertionError("seed does not parse", e);
        }
    }

    private List<byte[]> seeds() throws IOException {
        Path a = dir.resolve("seed-a.gguf");
        new GgufWriter().putString("general.architecture", "llama").putU32("llama.block_count", 2)
                .putF32("llama.rope.freq_base", 10000f).putBool("b", true).putU64("u64", 5).putI8("i8", -1)
                .putStrings("tokenizer.ggml.tokens", List.of("<s>", "Ġa", "b", "日本"))
                .putFloats("tokenizer.ggml.scores", new float[] {0, -1, -2, -3})
                .putInts("tokenizer.ggml.token_type", new int[] {3, 1, 1, 1})
                .putArray("nested", GgufValueType.ARRAY.id(), 1, new GgufBytes().u32(GgufValueType.BOOL.id()).u64(2)
                        .u8(1).u8(0).toByteArray())
                .addTensor("token_embd.weight", GgmlType.F32, new long[] {4, 4}, new byte[64])
                .addTensor("blk.0.attn_q.weight", GgmlType.Q8_0, new long[] {32, 2}, new byte[68])
                .addTensor("output_norm.weight", GgmlType.F16, new long[] {4}, new byte[8])
                .write(a);
        Path b = dir.resolve("seed-b.gguf");
        new GgufWriter().version(2).alignment(64).putString("general.name", "tiny")
                .addTensor("q4k", GgmlType.Q4_K, new long[] {256}, new byte[144])
                .addTensor("q6k", GgmlType.Q6_K, new long[] {256, 1, 1, 1}, new byte[210])
                .write(b);
        return List.of(Files.readAllBytes(a), Files.readAllBytes(b));
    }
}
