package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One hand-crafted broken file per check the parser makes, each refused with a message saying what and where. */
class GgufValidationTest {
    private static final int U32 = GgufValueType.UINT32.id();
    private static final int STRING = GgufValueType.STRING.id();
    private static final int ARRAY = GgufValueType.ARRAY.id();

    @TempDir
    Path dir;

    private AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] content) throws IOException {
        Path p = Files.write(dir.resolve("broken.gguf"), content);
        return assertThatThrownBy(() -> GgufFile.open(p).close()).isExactlyInstanceOf(GgufFormatException.class)
                .hasMessageStartingWith(p + ": ");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused(GgufBytes content) throws IOException {
        return refused(content.toByteArray());
    }

    private GgufFile accepted(GgufBytes content) throws IOException {
        return GgufFile.open(Files.write(dir.resolve("ok.gguf"), content.toByteArray()));
    }

    /** A tensor info: name, dimensions, ggml type id, offset. */
    private static GgufBytes info(GgufBytes b, String name, long[] shape, long type, long offset) {
        b.str(name).u32(shape.length);
        for (long d : shape) {
            b.u64(d);
        }
        return b.u32(type).u64(offset);
    }

    /** A file with one key/value and no tensors. */
    private static GgufBytes oneKey(String key, int type, GgufBytes value) {
        return new GgufBytes().header(3, 0, 1).str(key).u32(type).raw(value.toByteArray());
    }

    @Test
    void anEmptyOrShortFileIsRefusedAsTruncated() throws IOException {
        refused(new byte[0]).hasMessageContaining("magic at offset 0 needs 4 bytes but only 0 remain");
        refused(Arrays.copyOf(new GgufBytes().header(3, 0, 0).toByteArray(), 20))
                .hasMessageContaining("metadata key/value count at offset 16 needs 8 bytes but only 4 remain");
    }

    @Test
    void aWrongMagicIsRefused() throws IOException {
        refused(new GgufBytes().raw("GGML".getBytes()).u32(3).u64(0).u64(0))
                .hasMessageContaining("not a GGUF file: magic at offset 0 is 0x47474d4c");
    }

    @Test
    void versionOneAndUnknownVersionsAreRefusedWithTheVersion() throws IOException {
        refused(new GgufBytes().header(1, 0, 0)).hasMessageContaining("GGUF version 1 at offset 4 is not supported")
                .hasMessageContaining("version 1 files predate 64-bit counts");
        refused(new GgufBytes().header(4, 0, 0)).hasMessageContaining("GGUF version 4 at offset 4 is not supported");
        refused(new GgufBytes().header(0x03000000L, 0, 0)).hasMessageContaining("big-endian");
    }

    @Test
    void countsClaiming2To60EntriesAreRefusedBeforeAllocating() throws IOException {
        refused(new GgufBytes().header(3, 1L << 60, 0)).hasMessageContaining("tensor count at offset 8 is "
                + (1L << 60));
        refused(new GgufBytes().header(3, 0, 1L << 60)).hasMessageContaining("metadata key/value count at offset 16");
        refused(new GgufBytes().header(3, -1, 0)).hasMessageContaining("is 18446744073709551615");
        refused(new GgufBytes().header(3, 2, 3).raw(new byte[100]))
                .hasMessageContaining("2 tensors and 3 metadata entries cannot fit in the 100 bytes");
    }

    @Test
    void tensorAndKeyCountsAboveTheSupportedMaximaAreRefused() throws IOException {
        refused(new GgufBytes().header(3, GgufParser.MAX_TENSORS + 1, 0).raw(new byte[40 << 20]))
                .hasMessageContaining("tensor count at offset 8 is 262145, more than the 262144 supported");
        refused(new GgufBytes().header(3, 0, GgufParser.MAX_KEYS + 1).raw(new byte[20 << 20]))
                .hasMessageContaining("metadata key/value count at offset 16 is 65537, more than the 65536 supported");
    }

    @Test
    void moreThan65536ArraysInsideArraysAreRefused() throws IOException {
        GgufBytes inner = new GgufBytes();
        for (int i = 0; i < 40_000; i++) {
            inner.u32(U32).u64(0);
        }
        GgufBytes b = new GgufBytes().header(3, 0, 2);
        b.str("a").u32(ARRAY).u32(ARRAY).u64(40_000).raw(inner.toByteArray());
        b.str("b").u32(ARRAY).u32(ARRAY).u64(40_000).raw(inner.toByteArray());
        refused(b).hasMessageContaining("metadata key 'b'").hasMessageContaining("brings the arrays inside arrays to"
                + " 80000, more than the 65536 allowed");
    }

    @Test
    void stringLengthsBeyondTheBytesRemainingAreRefused() throws IOException {
        refused(new GgufBytes().header(3, 0, 1).u64(1L << 60).raw(new byte[20]))
                .hasMessageContaining("length of key of metadata entry #0 at offset 24 is " + (1L << 60));
        refused(new GgufBytes().header(3, 0, 1).u64(200).raw(new byte[20]))
                .hasMessageContaining("key of metadata entry #0 at offset 32 needs 200 bytes but only 20 remain");
        refused(oneKey("k", STRING, new GgufBytes().u64(50).raw(new byte[10])))
                .hasMessageContaining("metadata key 'k'").hasMessageContaining("needs 50 bytes but only 10 remain");
        refused(oneKey("k", STRING, new GgufBytes().u64(-1)))
                .hasMessageContaining("length of metadata key 'k' at offset 37 is 18446744073709551615 bytes");
    }

    @Test
    void arrayLengthsBeyondTheBytesRemainingAreRefusedBeforeAllocating() throws IOException {
        refused(oneKey("tokenizer.ggml.scores", ARRAY, new GgufBytes().u32(GgufValueType.FLOAT32.id()).u64(1L << 60)
                .raw(new byte[64]))).hasMessageContaining("metadata key 'tokenizer.ggml.scores': array length")
                .hasMessageContaining("is " + (1L << 60) + ", but the 64 bytes left hold at most 16");
        refused(oneKey("tokens", ARRAY, new GgufBytes().u32(STRING).u64(5).str("a").str("b")))
                .hasMessageContaining("metadata key 'tokens': array length").hasMessageContaining("is 5");
        refused(oneKey("tokens", ARRAY, new GgufBytes().u32(STRING).u64(2).str("a").u64(90).raw(new byte[10])))
                .hasMessageContaining("metadata key 'tokens'[1] at offset 71 needs 90 bytes but only 10 remain");
    }

    @Test
    void unknownValueTypeIdsAreRefusedWithTheId() throws IOException {
        refused(oneKey("k", 13, new GgufBytes().u64(0)))
                .hasMessageContaining("metadata key 'k': value type at offset 33 is 13, not a GGUF value type");
        refused(oneKey("k", ARRAY, new GgufBytes().u32(99).u64(0)))
                .hasMessageContaining("metadata key 'k': array element type at offset 37 is 99");
    }

    @Test
    void arraysNestedMoreThanThreeDeepAreRefused() throws IOException {
        GgufBytes threeDeep = new GgufBytes().u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(U32).u64(1).u32(7);
        try (GgufFile f = accepted(oneKey("nest", ARRAY, threeDeep))) {
            assertThat(f.metadata().keys()).containsExactly("nest");
        }
        GgufBytes fourDeep = new GgufBytes().u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(U32).u64(0);
        refused(oneKey("nest", ARRAY, fourDeep)).hasMessageContaining("metadata key 'nest'[0][0][0]")
                .hasMessageContaining("nests arrays more than 3 deep");
    }

    @Test
    void duplicateKeysAreRefused() throws IOException {
        refused(new GgufBytes().header(3, 0, 2).str("general.name").u32(STRING).str("a")
                .str("general.name").u32(STRING).str("b"))
                .hasMessageContaining("metadata key 'general.name' at offset 57 appears twice");
    }

    @Test
    void emptyKeysAndBoolsOtherThanZeroOrOneAreRefused() throws IOException {
        refused(oneKey("", U32, new GgufBytes().u32(1))).hasMessageContaining("key of metadata entry #0 at offset 24"
                + " is empty");
        refused(oneKey("flag", GgufValueType.BOOL.id(), new GgufBytes().u8(2)))
                .hasMessageContaining("metadata key 'flag' at offset 40 is a bool of value 2 (expected 0 or 1)");
        refused(oneKey("flags", ARRAY, new GgufBytes().u32(GgufValueType.BOOL.id()).u64(3).u8(0).u8(1).u8(255)))
                .hasMessageContaining("metadata key 'flags'[2]").hasMessageContaining("value 255");
    }

    @Test
    void malformedUtf8IsRefusedNotReplaced() throws IOException {
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80}, {'a', (byte) 0xE2, (byte) 0x82},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] b : bad) {
            refused(new GgufBytes().header(3, 0, 1).str(b).u32(U32).u32(1))
                    .hasMessageContaining("key of metadata entry #0 at offset 24 is not valid UTF-8");
            refused(oneKey("name", STRING, new GgufBytes().str(b)))
                    .hasMessageContaining("metadata key 'name' at offset 40 is not valid UTF-8");
            refused(oneKey("tokens", ARRAY, new GgufBytes().u32(STRING).u64(2).str("ok").str(b)))
                    .hasMessageContaining("metadata key 'tokens'[1]").hasMessageContaining("is not valid UTF-8");
            refused(tensorNamed(b)).hasMessageContaining("name of tensor #0 at offset 24 is not valid UTF-8");
        }
    }

    private static byte[] tensorNamed(byte[] name) {
        return new GgufBytes().header(3, 1, 0).str(name).u32(1).u64(1).u32(0).u64(0).pad(32).raw(new byte[4])
                .toByteArray();
    }

    @Test
    void duplicateTensorNamesAreRefused() throws IOException {
        GgufBytes b = new GgufBytes().header(3, 2, 0);
        info(b, "w", new long[] {1}, 0, 0);
        info(b, "w", new long[] {1}, 0, 32);
        refused(b.pad(32).raw(new byte[64])).hasMessageContaining("tensor #1 'w'")
                .hasMessageContaining("has the name of an earlier tensor");
    }

    @Test
    void emptyAndOverlongTensorNamesAreRefused() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "", new long[] {1}, 0, 0).pad(32).raw(new byte[4]))
                .hasMessageContaining("name of tensor #0 at offset 24 is empty");
        refused(info(new GgufBytes().header(3, 1, 0), "x".repeat(65), new long[] {1}, 0, 0).pad(32).raw(new byte[4]))
                .hasMessageContaining("length of name of tensor #0 at offset 24 is 65 bytes, more than the 64");
    }

    @Test
    void dimensionCountsOutside1To4AreRefused() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[0], 0, 0).pad(32))
                .hasMessageContaining("tensor #0 't' at offset 33 has 0 dimensions, expected 1 to 4");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1, 1, 1, 1, 1}, 0, 0).pad(32).raw(new byte[4]))
                .hasMessageContaining("has 5 dimensions, expected 1 to 4");
    }

    @Test
    void zeroDimensionsAndOverflowingElementCountsAreRefused() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {4, 0}, 0, 0).pad(32).raw(new byte[16]))
                .hasMessageContaining("tensor #0 't' at offset 45 has dimension 1 of 0, expected 1 to");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {-1}, 0, 0).pad(32))
                .hasMessageContaining("has dimension 0 of 18446744073709551615");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1L << 32, 1L << 32}, 0, 0).pad(32))
                .hasMessageContaining("tensor #0 't' has shape [4294967296, 4294967296]: its element count overflows");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, 0, 0)
                .pad(32)).hasMessageContaining("of 4611686014132420609 F32 elements overflows 64 bits");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1L << 32}, 1, 0).pad(32))
                .hasMessageContaining("row length and row count must each fit in an int");
    }

    @Test
    void unknownGgmlTypeIdsAreRefusedWithTheId() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {32}, 4, 0).pad(32).raw(new byte[64]))
                .hasMessageContaining("tensor #0 't' at offset 45 has type id 4, not a ggml type");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {32}, 0xFFFF_FFFFL, 0).pad(32))
                .hasMessageContaining("has type id 4294967295, not a ggml type");
    }

    @Test
    void knownButUnsupportedTypesAreAcceptedForTheEngineToRefuse() throws IOException {
        GgufBytes b = info(new GgufBytes().header(3, 1, 0), "q2", new long[] {256, 2}, GgmlType.Q2_K.id(), 0);
        try (GgufFile f = accepted(b.pad(32).raw(new byte[2 * 84]))) {
            GgufTensor t = f.tensor("q2").orElseThrow();
            assertThat(t.type()).isEqualTo(GgmlType.Q2_K);
            assertThat(t.type().supported()).isFalse();
            assertThat(t.byteSize()).isEqualTo(168);
        }
    }

    @Test
    void rowLengthsThatAreNotAWholeNumberOfBlocksAreRefused() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {16, 2}, GgmlType.Q4_0.id(), 0).pad(32)
                .raw(new byte[64])).hasMessageContaining("tensor #0 't' has rows of 16 Q4_0 elements, not a multiple"
                        + " of the block size 32");
    }

    @Test
    void alignmentsThatAreNotPowersOfTwoOrNotIntegersAreRefused() throws IOException {
        refused(oneKey("general.alignment", U32, new GgufBytes().u32(0)))
                .hasMessageContaining("metadata key 'general.alignment' is 0, expected a power of two");
        refused(oneKey("general.alignment", U32, new GgufBytes().u32(48)))
                .hasMessageContaining("'general.alignment' is 48, expected a power of two");
        refused(oneKey("general.alignment", STRING, new GgufBytes().str("32")))
                .hasMessageContaining("metadata key 'general.alignment' is a string, expected an integer");
        try (GgufFile f = accepted(new GgufBytes().header(3, 0, 0))) {
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(f.dataOffset()).isEqualTo(32);
        }
    }

    @Test
    void misalignedTensorOffsetsAreRefused() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1}, 0, 4).pad(32).raw(new byte[32]))
                .hasMessageContaining("tensor 't' has data offset 4, not a multiple of the alignment 32");
    }

    @Test
    void tensorsReachingPastTheEndOfTheFileAreRefused() throws IOException {
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {16}, 0, 0).pad(32).raw(new byte[60]))
                .hasMessageContaining("tensor 't' occupies bytes 0 to 64 of the data section, which has only 60 bytes");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1}, 0, Long.MAX_VALUE - 31).pad(32))
                .hasMessageContaining("occupies bytes 9223372036854775776 to 9223372036854775780");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1}, 0, -32).pad(32))
                .hasMessageContaining("has data offset 18446744073709551584, past any file");
        refused(info(new GgufBytes().header(3, 1, 0), "t", new long[] {1}, 0, 0))
                .hasMessageContaining("tensor data section starts at offset 64").hasMessageContaining("past the end");
    }

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        GgufBytes b = new GgufBytes().header(3, 2, 0);
        info(b, "a", new long[] {16}, 0, 0);
        info(b, "b", new long[] {4}, 0, 32);
        refused(b.pad(32).raw(new byte[64]))
                .hasMessageContaining("tensor 'b' at data offset 32 overlaps tensor 'a' (bytes 0 to 64)");
    }

    @Test
    void aHeaderLargerThan64MiBIsRefusedNamingTheLimit() throws IOException {
        Path p = dir.resolve("huge.gguf");
        Files.write(p, oneKey("blob", ARRAY, new GgufBytes().u32(GgufValueType.UINT8.id()).u64(70L << 20))
                .toByteArray());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(80L << 20); // sparse: the bytes are there but never written
        }
        assertThatThrownBy(() -> GgufFile.open(p)).isExactlyInstanceOf(GgufFormatException.class)
                .hasMessageContaining("metadata key 'blob': array length").hasMessageContaining("is 73400320")
                .hasMessageContaining("the 64 MiB limit on metadata and tensor infos");
    }

    @Test
    void messagesEscapeControlCharactersInNames() throws IOException {
        refused(oneKey("evil\nkey\u202e", 13, new GgufBytes()))
                .hasMessageContaining("metadata key 'evil\\u000akey\\u202e': value type");
    }
}
