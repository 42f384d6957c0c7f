package dev.bastion.inference;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes tiny llama models that are broken in one known way, for tests of how loaders refuse them. Each file is a
 * {@link TestModels} model with exactly one defect, so a loader that accepts the healthy model and names the
 * defect of each broken one is tested against both sides.
 */
public final class BrokenModels {

    /** The one thing wrong with a file. */
    public enum Flaw {
        /** The file stops halfway through the tensor data. */
        TRUNCATED,
        /** Not a GGUF file at all: random bytes. */
        RANDOM_BYTES,
        /** {@code blk.1.ffn_down.weight} is absent. */
        MISSING_TENSOR,
        /** {@code blk.0.attn_q.weight} has half the rows the configuration implies. */
        WRONG_SHAPE,
        /** {@code blk.0.ffn_up.weight} is Q2_K, a type the engine has no kernels for. */
        UNSUPPORTED_TENSOR_TYPE,
        /** {@code token_embd.weight} has one row fewer than the tokenizer has tokens. */
        VOCABULARY_MISMATCH,
        /** {@code general.architecture} is {@code mamba}, which the engine does not run. */
        UNSUPPORTED_ARCHITECTURE
    }

    /** The healthy shape every broken file starts from. */
    public static final TestModels.Shape SHAPE = TestModels.Shape.tiny("llama");

    private BrokenModels() {
    }

    /** Writes a model with {@code flaw} to {@code file} and returns {@code file}. */
    public static Path write(Path file, Flaw flaw, long seed) throws IOException {
        TestModels.Shape s = SHAPE;
        int dim = s.dim();
        switch (flaw) {
            case TRUNCATED -> {
                TestModels.write(file, s, GgmlType.Q8_0, seed);
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(f.length() / 2);
                }
            }
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[64 * 1024];
                new SplittableRandom(seed).nextBytes(bytes);
                Files.write(file, bytes);
            }
            case MISSING_TENSOR -> TestModels.writer(s, GgmlType.Q8_0, seed).removeTensor("blk.1.ffn_down.weight")
                    .write(file);
            case WRONG_SHAPE -> TestModels.writer(s, GgmlType.Q8_0, seed).removeTensor("blk.0.attn_q.weight")
                    .addTensor("blk.0.attn_q.weight", GgmlType.Q8_0, new long[] {dim, dim / 2},
                            zeros(GgmlType.Q8_0, (long) dim * (dim / 2)))
                    .write(file);
            case UNSUPPORTED_TENSOR_TYPE -> TestModels.writer(s, GgmlType.Q8_0, seed).removeTensor("blk.0.ffn_up.weight")
                    .addTensor("blk.0.ffn_up.weight", GgmlType.Q2_K, new long[] {dim, s.hidden()},
                            zeros(GgmlType.Q2_K, (long) dim * s.hidden()))
                    .write(file);
            case VOCABULARY_MISMATCH -> TestModels.writer(s, GgmlType.Q8_0, seed).removeTensor("token_embd.weight")
                    .addTensor("token_embd.weight", GgmlType.Q8_0, new long[] {dim, s.vocab() - 1},
                            zeros(GgmlType.Q8_0, (long) dim * (s.vocab() - 1)))
                    .write(file);
            case UNSUPPORTED_ARCHITECTURE -> TestModels.write(file, new TestModels.Shape("mamba", dim, s.layers(),
                    s.heads(), s.kvHeads(), s.hidden(), s.vocab(), s.context(), s.tied(), s.embeddingScale()),
                    GgmlType.Q8_0, seed);
        }
        return file;
    }

    /** Zero bytes for {@code elements} values of {@code type}: valid blocks of zeros for every block type. */
    private static GgufWriter.TensorSource zeros(GgmlType type, long elements) {
        long size = type.byteSize(elements);
        return ch -> {
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        };
    }
}
