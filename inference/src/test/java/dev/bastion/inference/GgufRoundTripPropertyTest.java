package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Whatever the writer writes, the parser reads back: any Unicode text, any numbers, any valid tensor. */
class GgufRoundTripPropertyTest {
    private record Tensor(GgmlType type, long[] shape, byte[] data) {
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF).list()
                .ofMaxSize(30).map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append).toString());
    }

    @Provide
    Arbitrary<Tensor> tensor() {
        Arbitrary<GgmlType> type = Arbitraries.of(GgmlType.values());
        return type.flatMap(t -> Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 3).list().ofMinSize(0).ofMaxSize(3)).as((blocks, rest) -> {
                    long[] shape = new long[1 + rest.size()];
                    shape[0] = (long) blocks * t.blockSize();
                    for (int i = 0; i < rest.size(); i++) {
                        shape[i + 1] = rest.get(i);
                    }
                    return shape;
                }).flatMap(shape -> Arbitraries.bytes().array(byte[].class)
                        .ofSize((int) t.byteSize(GgufTensor.elements("t", shape)))
                        .map(data -> new Tensor(t, shape, data))));
    }

    @Property(tries = 200)
    void anyMetadataReadsBackAsWritten(@ForAll("text") String value, @ForAll @Size(max = 20) List<@From("text") String> list,
            @ForAll int[] ints, @ForAll float[] floats, @ForAll long u64, @ForAll boolean flag) throws IOException {
        Path p = Files.createTempFile("gguf-prop", ".gguf");
        try {
            new GgufWriter().putString("s", value).putStrings("list", list).putInts("ints", ints)
                    .putFloats("floats", floats).putU64("u64", u64).putBool("flag", flag).write(p);
            try (GgufFile f = GgufFile.open(p)) {
                GgufMetadata m = f.metadata();
                assertThat(m.requireString("s")).isEqualTo(value);
                assertThat(m.strings("list")).contains(list);
                assertThat(m.ints("ints")).hasValueSatisfying(a -> assertThat(a).isEqualTo(ints));
                float[] back = m.floats("floats").orElseThrow();
                assertThat(back).hasSameSizeAs(floats);
                for (int i = 0; i < back.length; i++) {
                    assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(floats[i]));
                }
                if (u64 >= 0) {
                    assertThat(m.integer("u64")).contains(u64);
                } else {
                    assertThat(m.number("u64")).contains(Double.parseDouble(Long.toUnsignedString(u64)));
                }
                assertThat(m.bool("flag")).contains(flag);
            }
        } finally {
            Files.delete(p);
        }
    }

    @Property(tries = 200)
    void anyValidTensorsReadBackWithTheirBytes(@ForAll @Size(min = 1, max = 4) List<@From("tensor") Tensor> ts,
            @ForAll("alignment") int alignment) throws IOException {
        Path p = Files.createTempFile("gguf-prop", ".gguf");
        try {
            GgufWriter w = new GgufWriter().alignment(alignment);
            for (int i = 0; i < ts.size(); i++) {
                w.addTensor("t" + i, ts.get(i).type(), ts.get(i).shape(), ts.get(i).data());
            }
            w.write(p);
            try (GgufFile f = GgufFile.open(p)) {
                assertThat(f.tensors()).hasSize(ts.size());
                for (int i = 0; i < ts.size(); i++) {
                    GgufTensor t = f.tensors().get(i);
                    assertThat(t.name()).isEqualTo("t" + i);
                    assertThat(t.type()).isEqualTo(ts.get(i).type());
                    assertThat(t.shape()).isEqualTo(ts.get(i).shape());
                    assertThat(t.offset() % alignment).isZero();
                    assertThat(f.data(t).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(ts.get(i).data());
                }
            }
        } finally {
            Files.delete(p);
        }
    }

    @Provide
    Arbitrary<Integer> alignment() {
        return Arbitraries.of(1, 2, 8, 32, 64, 4096);
    }
}
