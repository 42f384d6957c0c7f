package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cache of rebuilt weight layouts ({@link WeightCache}): a model mapped from it computes the bits the in-memory
 * repack computes; a truncated, damaged or foreign cache is refused and rebuilt; a cache that cannot be written leaves
 * the load to the in-memory repack; two processes loading at once both succeed and leave one whole cache.
 */
class WeightCacheTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "Q4_K_M"})
    void aModelMappedFromTheCacheComputesTheBitsOfTheInMemoryRepack(String kind) throws Exception {
        QuantMix mix = kind.equals("Q4_K_M") ? QuantMix.Q4_K_M : QuantMix.pure(GgmlType.valueOf(kind));
        Path model = TestModels.write(dir.resolve(kind + ".gguf"), TestModels.Shape.tiny("llama"), mix, 11);
        Path cacheDir = dir.resolve("cache");
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig c = ModelConfig.from(file);
            Weights plain = Weights.load(file, c);
            WeightCache.Loaded first = new WeightCache(cacheDir).load(file, c);
            WeightCache.Loaded second = new WeightCache(cacheDir).load(file, c);
            assertThat(first.outcome()).isInstanceOf(WeightCache.Outcome.Built.class);
            assertThat(second.outcome()).isInstanceOf(WeightCache.Outcome.Used.class);
            assertThat(fingerprint(first.weights())).isEqualTo(fingerprint(plain));
            assertThat(fingerprint(second.weights())).isEqualTo(fingerprint(plain));
            // the used cache really holds the interleaved layouts, mapped read-only from the cache file (the
            // in-memory repack's are writable anonymous memory)
            assertThat(second.weights().layers().getFirst().wq().packedData()).get()
                    .matches(s -> s.isReadOnly(), "read-only, from the cache");
            assertThat(first.weights().layers().getFirst().wq().packedData()).get()
                    .matches(s -> !s.isReadOnly(), "writable, repacked in memory");
        }
        try (LocalModel inMemory = LocalModel.load(model, new LocalModel.Options(128, 1, 0));
                LocalModel cached = LocalModel.load(model, new LocalModel.Options(128, 1, 0).withWeightCache(cacheDir))) {
            int[] prompt = inMemory.tokenizer().encode("the patient was seen in clinic on monday");
            GenerationRequest request = new GenerationRequest(24, List.of(), SamplingParameters.greedy());
            Completion a = inMemory.generate(prompt, request, s -> true);
            Completion b = cached.generate(prompt, request, s -> true);
            assertThat(b.text()).isEqualTo(a.text());
            assertThat(b.completionTokens()).isEqualTo(a.completionTokens()).isPositive();
        }
    }

    @Test
    void theCacheDirectoryAndFileAreTheOwnersOnly() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q8_0, 3);
        Path cacheDir = dir.resolve("home/cache/repacked");
        Path cache = load(model, cacheDir, WeightCache.Outcome.Built.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");
        assertThat(Files.size(cache)).isGreaterThan(Files.size(model) / 2);
        try (var files = Files.list(cacheDir)) {
            assertThat(files.toList()).containsExactly(cache); // no temporary file left
        }
    }

    @Test
    void aTruncatedCacheIsRefusedAndRebuilt() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q4_K, 3);
        Path cache = load(model, dir.resolve("c"), WeightCache.Outcome.Built.class);
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 1000);
        }
        assertRebuilt(model, dir.resolve("c"), "truncated");
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.WRITE)) {
            ch.truncate(10);
        }
        assertRebuilt(model, dir.resolve("c"), "truncated");
        load(model, dir.resolve("c"), WeightCache.Outcome.Used.class);
    }

    @Test
    void aFlippedByteInTheDataOrTheHeaderIsCaught() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q8_0, 3);
        Path cache = load(model, dir.resolve("c"), WeightCache.Outcome.Built.class);
        flip(cache, Files.size(cache) - 7); // in the last matrix
        assertRebuilt(model, dir.resolve("c"), "checksum of");
        flip(cache, 40); // in the key, inside the header
        assertRebuilt(model, dir.resolve("c"), "header is damaged");
        flip(cache, 2); // the magic
        assertRebuilt(model, dir.resolve("c"), "not a weight cache");
        load(model, dir.resolve("c"), WeightCache.Outcome.Used.class);
    }

    @Test
    void aCacheOfAnotherVersionOfTheModelFileIsNotUsed() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q4_0, 3);
        load(model, dir.resolve("c"), WeightCache.Outcome.Built.class);
        // the same path, other weights (another seed): the header hash is equal, size too; only the time tells
        FileTime before = Files.getLastModifiedTime(model);
        TestModels.write(model, TestModels.Shape.tiny("llama"), GgmlType.Q4_0, 4);
        Files.setLastModifiedTime(model, FileTime.fromMillis(before.toMillis() + 5000));
        Weights rebuilt = assertRebuilt(model, dir.resolve("c"), "another model file");
        try (GgufFile file = GgufFile.open(model)) {
            assertThat(fingerprint(rebuilt)).isEqualTo(fingerprint(Weights.load(file, ModelConfig.from(file))));
        }
    }

    @Test
    void aCacheMadeWithOtherLayoutSettingsIsNotUsed() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q4_0, 3);
        load(model, dir.resolve("c"), WeightCache.Outcome.Built.class);
        System.setProperty("bastion.inference.q4_0-rows", "true");
        try {
            // Q4_0 rows kept as they are: no matrix is rebuilt, nothing is cached, and the old cache is not read
            try (GgufFile file = GgufFile.open(model)) {
                WeightCache.Loaded l = new WeightCache(dir.resolve("c")).load(file, ModelConfig.from(file));
                assertThat(l.outcome()).isInstanceOf(WeightCache.Outcome.NotUsed.class);
                assertThat(l.weights().layers().getFirst().wq().packedData()).isEmpty();
            }
        } finally {
            System.clearProperty("bastion.inference.q4_0-rows");
        }
        load(model, dir.resolve("c"), WeightCache.Outcome.Used.class);
    }

    @Test
    void aHomeThatCannotBeWrittenLeavesTheLoadToTheInMemoryRepack() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q6_K, 3);
        Path notADirectory = Files.writeString(dir.resolve("home"), "a file where the home should be");
        WeightCache.Loaded l = loadWith(model, new WeightCache(notADirectory.resolve("cache/repacked")));
        assertThat(l.outcome()).isInstanceOfSatisfying(WeightCache.Outcome.NotUsed.class,
                n -> assertThat(n.reason()).contains("could not be written"));
        assertSameAsInMemory(model, l.weights());
    }

    @Test
    void aFullDiskLeavesTheLoadToTheInMemoryRepackAndNoFileBehind() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q5_K, 3);
        Path cacheDir = dir.resolve("c");
        // too little room, as the file store reports it
        WeightCache.Loaded small = loadWith(model, new WeightCache(cacheDir, disk(1L << 20, Path.of("/dev/null"))));
        assertThat(small.outcome()).isInstanceOfSatisfying(WeightCache.Outcome.NotUsed.class,
                n -> assertThat(n.reason()).contains("MiB free"));
        assertSameAsInMemory(model, small.weights());
        // room reported, but the write fails with "no space left on device" (/dev/full)
        WeightCache.Loaded full = loadWith(model, new WeightCache(cacheDir, disk(1L << 40, Path.of("/dev/full"))));
        assertThat(full.outcome()).isInstanceOfSatisfying(WeightCache.Outcome.NotUsed.class,
                n -> assertThat(n.reason()).contains("could not be written"));
        assertSameAsInMemory(model, full.weights());
        try (var files = Files.list(cacheDir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void twoProcessesLoadingAtOnceBothSucceedAndLeaveOneWholeCache() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), QuantMix.Q4_K_M, 3);
        Path cacheDir = dir.resolve("c");
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), WeightCacheChild.class.getName(),
                    model.toString(), cacheDir.toString(), dir.resolve("ready" + i).toString(),
                    dir.resolve("ready" + (1 - i)).toString()).redirectError(dir.resolve("err" + i).toFile()).start());
        }
        String expected;
        try (GgufFile file = GgufFile.open(model)) {
            expected = fingerprint(Weights.load(file, ModelConfig.from(file)));
        }
        for (int i = 0; i < 2; i++) {
            Process p = children.get(i);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("err" + i))).isZero();
            assertThat(out).as(out).matches("(Built|Used) " + expected);
        }
        load(model, cacheDir, WeightCache.Outcome.Used.class);
        try (var files = Files.list(cacheDir)) {
            assertThat(files.toList()).hasSize(1); // one cache, no temporary file left
        }
    }

    @Test
    void clearDeletesTheCache() throws Exception {
        Path model = TestModels.write(dir.resolve("m.gguf"), TestModels.Shape.tiny("llama"), GgmlType.Q8_0, 3);
        Path cache = load(model, dir.resolve("c"), WeightCache.Outcome.Built.class);
        long size = Files.size(cache);
        assertThat(LocalModel.clearWeightCache(dir.resolve("c"))).isEqualTo(size);
        assertThat(cache).doesNotExist();
        assertThat(LocalModel.clearWeightCache(dir.resolve("nothing-here"))).isZero();
        load(model, dir.resolve("c"), WeightCache.Outcome.Built.class);
    }

    // ---- helpers

    /**
     * The products of every matrix of {@code w} with a fixed input, as text of their float bits: equal fingerprints
     * mean the same bits from every kernel path the model takes (matvec, and matmul over five inputs).
     */
    static String fingerprint(Weights w) {
        List<WeightMatrix> all = new ArrayList<>(List.of(w.tokenEmbedding(), w.output()));
        for (Weights.Layer l : w.layers()) {
            all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down()));
        }
        StringBuilder sb = new StringBuilder();
        for (WeightMatrix m : all) {
            SplittableRandom r = new SplittableRandom(m.rows() * 31L + m.cols());
            float[] x = new float[5 * m.cols()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] one = new float[m.rows()];
            m.matvec(x, one);
            float[] five = new float[5 * m.rows()];
            m.matmul(x, 5, five);
            float[] row = new float[m.cols()];
            m.dequantizeRow(m.rows() - 1, row, 0);
            sb.append(Arrays.hashCode(one)).append(',').append(Arrays.hashCode(five)).append(',')
                    .append(Arrays.hashCode(row)).append(';');
        }
        return Integer.toHexString(sb.toString().hashCode()) + "/" + sb.length();
    }

    private static WeightCache.Loaded loadWith(Path model, WeightCache cache) throws IOException {
        try (GgufFile file = GgufFile.open(model)) {
            WeightCache.Loaded l = cache.load(file, ModelConfig.from(file));
            fingerprint(l.weights()); // read while the file is open: the in-memory repack's unpacked vectors map it
            return l;
        }
    }

    /** Loads through the cache, expects {@code outcome}, and returns the cache file. */
    private static Path load(Path model, Path cacheDir, Class<? extends WeightCache.Outcome> outcome) throws IOException {
        WeightCache cache = new WeightCache(cacheDir);
        try (GgufFile file = GgufFile.open(model)) {
            WeightCache.Loaded l = cache.load(file, ModelConfig.from(file));
            assertThat(l.outcome()).isInstanceOf(outcome);
            assertThat(fingerprint(l.weights())).isEqualTo(fingerprint(Weights.load(file, ModelConfig.from(file))));
        }
        return cache.fileFor(model);
    }

    private static Weights assertRebuilt(Path model, Path cacheDir, String why) throws IOException {
        try (GgufFile file = GgufFile.open(model)) {
            WeightCache.Loaded l = new WeightCache(cacheDir).load(file, ModelConfig.from(file));
            assertThat(l.outcome()).isInstanceOfSatisfying(WeightCache.Outcome.Built.class,
                    b -> assertThat(b.replaced()).get().asString().contains(why));
            fingerprint(l.weights());
            return l.weights();
        }
    }

    private static void assertSameAsInMemory(Path model, Weights w) throws IOException {
        try (GgufFile file = GgufFile.open(model)) {
            assertThat(fingerprint(w)).isEqualTo(fingerprint(Weights.load(file, ModelConfig.from(file))));
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            b.rewind();
            ch.write(b, at);
        }
    }

    private static WeightCache.Disk disk(long free, Path writesGoTo) {
        return new WeightCache.Disk() {
            @Override
            public long usableSpace(Path d) {
                return free;
            }

            @Override
            public FileChannel openForWriting(Path file) throws IOException {
                return FileChannel.open(writesGoTo, StandardOpenOption.WRITE);
            }
        };
    }

}
