package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    private GgufFile writeAndOpen(GgufWriter w) throws IOException {
        Path p = dir.resolve("m.gguf");
        w.write(p);
        return GgufFile.open(p);
    }

    @Test
    void everyScalarTypeReadsBackAsWritten() throws IOException {
        GgufWriter w = new GgufWriter().putU8("u8", 250).putI8("i8", -5).putU16("u16", 65_000).putI16("i16", -30_000)
                .putU32("u32", 4_000_000_000L).putI32("i32", -2_000_000_000).putU64("u64", Long.MAX_VALUE)
                .putI64("i64", Long.MIN_VALUE).putF32("f32", 1.5f).putF64("f64", -2.25e300).putBool("yes", true)
                .putBool("no", false).putString("s", "héllo, 世界 🌍");
        try (GgufFile f = writeAndOpen(w)) {
            GgufMetadata m = f.metadata();
            assertThat(m.keys()).containsExactly("u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64",
                    "yes", "no", "s");
            assertThat(m.integer("u8")).contains(250L);
            assertThat(m.integer("i8")).contains(-5L);
            assertThat(m.integer("u16")).contains(65_000L);
            assertThat(m.integer("i16")).contains(-30_000L);
            assertThat(m.integer("u32")).contains(4_000_000_000L);
            assertThat(m.integer("i32")).contains(-2_000_000_000L);
            assertThat(m.integer("u64")).contains(Long.MAX_VALUE);
            assertThat(m.integer("i64")).contains(Long.MIN_VALUE);
            assertThat(m.number("f32")).contains(1.5);
            assertThat(m.number("f64")).contains(-2.25e300);
            assertThat(m.number("u32")).contains(4.0e9);
            assertThat(m.bool("yes")).contains(true);
            assertThat(m.bool("no")).contains(false);
            assertThat(m.string("s")).contains("héllo, 世界 🌍");
            assertThat(m.requireString("s")).isEqualTo("héllo, 世界 🌍");
            assertThat(m.requireInteger("i32")).isEqualTo(-2_000_000_000L);
            assertThat(m.requireNumber("f32")).isEqualTo(1.5);
            assertThat(m.string("absent")).isEmpty();
            assertThat(m.ints("absent")).isEmpty();
        }
    }

    @Test
    void arraysOfEveryElementTypeReadBackAsWritten() throws IOException {
        GgufWriter w = new GgufWriter()
                .putStrings("strings", List.of("a", "", "Ġthe", "日本"))
                .putInts("ints", new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE})
                .putFloats("floats", new float[] {0f, -1.5f, Float.MAX_VALUE})
                .putArray("u8s", GgufValueType.UINT8.id(), 3, new byte[] {1, (byte) 200, 3})
                .putArray("i8s", GgufValueType.INT8.id(), 2, new byte[] {-1, 7})
                .putArray("u16s", GgufValueType.UINT16.id(), 2, new GgufBytes().u16(65_535).u16(1).toByteArray())
                .putArray("i16s", GgufValueType.INT16.id(), 1, new GgufBytes().u16(-2).toByteArray())
                .putArray("u32s", GgufValueType.UINT32.id(), 1, new GgufBytes().u32(7).toByteArray())
                .putArray("u64s", GgufValueType.UINT64.id(), 1, new GgufBytes().u64(9).toByteArray())
                .putArray("i64s", GgufValueType.INT64.id(), 1, new GgufBytes().u64(-9).toByteArray())
                .putArray("f64s", GgufValueType.FLOAT64.id(), 2, new GgufBytes().f64(0.5).f64(-4).toByteArray())
                .putArray("bools", GgufValueType.BOOL.id(), 3, new byte[] {1, 0, 1})
                .putArray("empty", GgufValueType.STRING.id(), 0, new byte[0])
                .putArray("nested", GgufValueType.ARRAY.id(), 2, new GgufBytes()
                        .u32(GgufValueType.INT32.id()).u64(1).u32(5)
                        .u32(GgufValueType.STRING.id()).u64(1).str("x").toByteArray());
        try (GgufFile f = writeAndOpen(w)) {
            GgufMetadata m = f.metadata();
            assertThat(m.strings("strings")).hasValueSatisfying(s -> assertThat(s).containsExactly("a", "", "Ġthe", "日本"));
            assertThat(m.ints("ints")).hasValueSatisfying(a -> assertThat(a)
                    .containsExactly(0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE));
            assertThat(m.floats("floats")).hasValueSatisfying(a -> assertThat(a).containsExactly(0f, -1.5f, Float.MAX_VALUE));
            assertThat(m.ints("u8s")).hasValueSatisfying(a -> assertThat(a).containsExactly(1, 200, 3));
            assertThat(m.ints("i8s")).hasValueSatisfying(a -> assertThat(a).containsExactly(-1, 7));
            assertThat(m.ints("u16s")).hasValueSatisfying(a -> assertThat(a).containsExactly(65_535, 1));
            assertThat(m.ints("i16s")).hasValueSatisfying(a -> assertThat(a).containsExactly(-2));
            assertThat(m.ints("u32s")).hasValueSatisfying(a -> assertThat(a).containsExactly(7));
            assertThat(m.ints("u64s")).hasValueSatisfying(a -> assertThat(a).containsExactly(9));
            assertThat(m.ints("i64s")).hasValueSatisfying(a -> assertThat(a).containsExactly(-9));
            assertThat(m.floats("f64s")).hasValueSatisfying(a -> assertThat(a).containsExactly(0.5f, -4f));
            assertThat(m.strings("empty")).hasValueSatisfying(s -> assertThat(s).isEmpty());
            assertThat(m.toString()).contains("bools: array of bool", "nested: array of array");
            assertThatThrownBy(() -> m.ints("bools")).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("'bools' is an array of bool, expected an array of integers");
            assertThatThrownBy(() -> m.strings("nested")).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("'nested' is an array of array");
        }
    }

    @Test
    void tensorsComeBackInFileOrderWithTheirExactBytesAligned() throws IOException {
        byte[] a = floats(1, 2, 3, 4, 5, 6);
        byte[] b = new byte[34];
        b[0] = 0x3c;
        b[33] = 7;
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama")
                .addTensor("a", GgmlType.F32, new long[] {3, 2}, a)
                .addTensor("b.q8", GgmlType.Q8_0, new long[] {32}, b);
        try (GgufFile f = writeAndOpen(w)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(f.dataOffset() % 32).isZero();
            assertThat(f.tensors()).extracting(GgufTensor::name).containsExactly("a", "b.q8");
            GgufTensor ta = f.tensor("a").orElseThrow();
            assertThat(ta.shape()).containsExactly(3, 2);
            assertThat(ta.cols()).isEqualTo(3);
            assertThat(ta.rows()).isEqualTo(2);
            assertThat(ta.offset()).isZero();
            assertThat(f.data(ta).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(a);
            GgufTensor tb = f.tensor("b.q8").orElseThrow();
            assertThat(tb.offset()).isEqualTo(32);
            assertThat(f.data(tb).byteSize()).isEqualTo(34);
            assertThat(f.data(tb).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(b);
            assertThat(f.tensor("missing")).isEmpty();
            assertThat(f.path()).isEqualTo(dir.resolve("m.gguf"));
        }
    }

    @Test
    void tensorDataIsAReadOnlyViewOfTheMappingThatDiesWithTheFile() throws IOException {
        GgufFile f = writeAndOpen(new GgufWriter().addTensor("w", GgmlType.F32, new long[] {2}, floats(1, 2)));
        MemorySegment data = f.data(f.tensors().getFirst());
        assertThat(data.isReadOnly()).isTrue();
        assertThat(data.isMapped()).isTrue();
        assertThatThrownBy(() -> data.set(ValueLayout.JAVA_BYTE, 0, (byte) 1)).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("read-only");
        f.close();
        f.close();
        assertThatThrownBy(() -> data.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.data(f.tensors().getFirst())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTensorOfAnotherFileIsRefusedByData() throws IOException {
        try (GgufFile f = writeAndOpen(new GgufWriter().addTensor("w", GgmlType.F32, new long[] {2}, floats(1, 2)))) {
            GgufTensor stranger = new GgufTensor("w", GgmlType.F32, new long[] {4}, 0, 16);
            assertThatThrownBy(() -> f.data(stranger)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a tensor of");
        }
    }

    @Test
    void aCustomAlignmentPlacesTensorsOnItsBoundaries() throws IOException {
        GgufWriter w = new GgufWriter().alignment(64)
                .addTensor("x", GgmlType.F16, new long[] {3}, new byte[6])
                .addTensor("y", GgmlType.F16, new long[] {1}, new byte[] {1, 2});
        try (GgufFile f = writeAndOpen(w)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            assertThat(f.tensor("y").orElseThrow().offset()).isEqualTo(64);
            assertThat(f.data(f.tensor("y").orElseThrow()).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, 2);
        }
    }

    @Test
    void versionTwoFilesAreRead() throws IOException {
        try (GgufFile f = writeAndOpen(new GgufWriter().version(2).putString("k", "v"))) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.metadata().requireString("k")).isEqualTo("v");
            assertThat(f.tensors()).isEmpty();
        }
    }

    @Test
    void aStreamedTensorIsWrittenWithoutBeingHeldInMemory() throws IOException {
        long rows = 1024;
        GgufWriter w = new GgufWriter().addTensor("big", GgmlType.F32, new long[] {256, rows}, ch -> {
            ByteBuffer row = ByteBuffer.allocate(256 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < rows; r++) {
                row.clear();
                for (int c = 0; c < 256; c++) {
                    row.putFloat(r * 256 + c);
                }
                row.flip();
                while (row.hasRemaining()) {
                    ch.write(row);
                }
            }
        });
        try (GgufFile f = writeAndOpen(w)) {
            MemorySegment data = f.data(f.tensor("big").orElseThrow());
            ValueLayout.OfFloat le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            assertThat(data.get(le, 4L * 1000 * 256 + 4 * 17)).isEqualTo(1000 * 256 + 17);
        }
    }

    @Test
    void aSourceThatWritesTheWrongNumberOfBytesFailsTheWrite() {
        GgufWriter w = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, ch -> ch.write(ByteBuffer.allocate(3)));
        assertThatThrownBy(() -> w.write(dir.resolve("bad.gguf"))).isInstanceOf(IOException.class)
                .hasMessageContaining("source wrote 3 bytes, expected 16");
    }

    @Test
    void aVocabularyOf150kStringsParsesWellUnderASecond() throws IOException {
        int n = 150_000;
        List<String> vocab = new java.util.ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            vocab.add((i % 3 == 0 ? "Ġ" : "") + "tok" + i);
            scores[i] = -i;
            types[i] = 1 + i % 6;
        }
        Path p = dir.resolve("vocab.gguf");
        new GgufWriter().putStrings("tokenizer.ggml.tokens", vocab).putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types).write(p);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            try (GgufFile f = GgufFile.open(p)) {
                assertThat(f.metadata().strings("tokenizer.ggml.tokens").orElseThrow()).hasSize(n)
                        .element(149_999).isEqualTo("tok149999");
                assertThat(f.metadata().strings("tokenizer.ggml.tokens").orElseThrow().get(3)).isEqualTo("Ġtok3");
                assertThat(f.metadata().floats("tokenizer.ggml.scores").orElseThrow()[7]).isEqualTo(-7f);
                assertThat(f.metadata().ints("tokenizer.ggml.token_type").orElseThrow()[5]).isEqualTo(6);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("150k-token vocabulary: open + read in %.1f ms (best of 3), file %d bytes%n", best / 1e6,
                Files.size(p));
        assertThat(best).isLessThan(1_000_000_000L);
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
