package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GgufMetadataTest {
    private static GgufMetadata of(Object... keysAndValues) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], (GgufValue) keysAndValues[i + 1]);
        }
        return new GgufMetadata(m);
    }

    private static GgufValue.Primitives array(GgufValueType t, GgufBytes bytes) {
        return new GgufValue.Primitives(t, bytes.toByteArray());
    }

    @Test
    void aBlockCountStoredAsAStringIsRefusedNamingTheKey() {
        GgufMetadata m = of("llama.block_count", new GgufValue.Str("32"));
        assertThatThrownBy(() -> m.integer("llama.block_count")).isInstanceOf(GgufFormatException.class)
                .hasMessage("metadata key 'llama.block_count' is a string, expected an integer");
        assertThatThrownBy(() -> m.requireInteger("llama.block_count")).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'llama.block_count' is a string");
        assertThatThrownBy(() -> m.number("llama.block_count")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> m.bool("llama.block_count")).hasMessageContaining("expected a bool");
        assertThatThrownBy(() -> m.strings("llama.block_count")).hasMessageContaining("expected an array of string");
        assertThatThrownBy(() -> m.floats("llama.block_count")).hasMessageContaining("expected an array of f32");
    }

    @Test
    void everyGetterOfAnAbsentKeyIsEmptyAndEveryRequireSaysMissing() throws GgufFormatException {
        GgufMetadata m = of();
        assertThat(m.string("k")).isEmpty();
        assertThat(m.integer("k")).isEmpty();
        assertThat(m.number("k")).isEmpty();
        assertThat(m.bool("k")).isEmpty();
        assertThat(m.strings("k")).isEmpty();
        assertThat(m.ints("k")).isEmpty();
        assertThat(m.floats("k")).isEmpty();
        assertThat(m.keys()).isEmpty();
        assertThatThrownBy(() -> m.requireString("general.architecture"))
                .hasMessage("metadata key 'general.architecture' is missing (expected a string)");
        assertThatThrownBy(() -> m.requireInteger("llama.context_length"))
                .hasMessage("metadata key 'llama.context_length' is missing (expected an integer)");
        assertThatThrownBy(() -> m.requireNumber("llama.rope.freq_base"))
                .hasMessage("metadata key 'llama.rope.freq_base' is missing (expected a number)");
    }

    @Test
    void aU64AboveLongMaxIsAnErrorAsAnIntegerButANumberAsANumber() throws GgufFormatException {
        GgufMetadata m = of("big", new GgufValue.Int(GgufValueType.UINT64, -1L));
        assertThatThrownBy(() -> m.integer("big"))
                .hasMessage("metadata key 'big' is 18446744073709551615, above the largest supported integer "
                        + Long.MAX_VALUE);
        assertThat(m.number("big")).contains(1.8446744073709552e19);
    }

    @Test
    void integerArrayElementsOutsideTheIntRangeAreRefusedWithTheirIndex() {
        GgufMetadata m = of(
                "u32", array(GgufValueType.UINT32, new GgufBytes().u32(1).u32(3_000_000_000L)),
                "i64", array(GgufValueType.INT64, new GgufBytes().u64(1L << 40)),
                "u64", array(GgufValueType.UINT64, new GgufBytes().u64(0).u64(-1)));
        assertThatThrownBy(() -> m.ints("u32")).hasMessage("metadata key 'u32'[1] is 3000000000, outside the int range");
        assertThatThrownBy(() -> m.ints("i64")).hasMessage("metadata key 'i64'[0] is 1099511627776, outside the int range");
        assertThatThrownBy(() -> m.ints("u64"))
                .hasMessage("metadata key 'u64'[1] is 18446744073709551615, outside the int range");
    }

    @Test
    void arrayGettersReturnFreshCopiesAndStringListsAreUnmodifiable() throws GgufFormatException {
        GgufMetadata m = of("ints", array(GgufValueType.INT32, new GgufBytes().u32(5)),
                "strs", new GgufValue.Strings(new byte[] {'a'}, new int[] {1}));
        m.ints("ints").orElseThrow()[0] = 99;
        assertThat(m.ints("ints").orElseThrow()).containsExactly(5);
        assertThatThrownBy(() -> m.strings("strs").orElseThrow().add("b"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.keys().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringListsKeysAndTypesButNoValues() {
        GgufMetadata m = of("general.name", new GgufValue.Str("secret-model-name"),
                "n", new GgufValue.Int(GgufValueType.UINT32, 3));
        assertThat(m.toString()).isEqualTo("GgufMetadata{general.name: string, n: u32}")
                .doesNotContain("secret-model-name");
    }

    @Test
    void primitiveArraysWithAPartialElementAreRejectedByTheValueItself() {
        assertThatThrownBy(() -> new GgufValue.Primitives(GgufValueType.UINT32, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 bytes are not an array of UINT32");
        assertThatThrownBy(() -> new GgufValue.Int(GgufValueType.FLOAT32, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
