package dev.bastion.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes GGUF models with random weights in real shapes, for tests and benchmarks: llama (Llama 3 layout, tied or
 * separate output head), qwen2 (q/k/v biases) and qwen3 (q/k norms), with a {@link SyntheticVocabulary}.
 * Weights are normal with a per-matrix scale of 1/sqrt(cols) so activations stay in range through the layers;
 * the embedding is scaled so that logits are well separated, which keeps greedy decoding stable across engines.
 */
public final class TestModels {

    /** A model's shape. */
    public record Shape(String arch, int dim, int layers, int heads, int kvHeads, int hidden, int vocab, int context,
            boolean tied, float embeddingScale) {

        public static Shape tiny(String arch) {
            return new Shape(arch, 256, 2, 4, 2, 512, 600, 512, !arch.equals("qwen2"), 1.0f);
        }

        /** Llama 3.2 1B: 16 layers, 2048 wide, 32 query and 8 key/value heads, 8192 feed-forward, 128,256 tokens. */
        public static Shape llama32OneB() {
            return new Shape("llama", 2048, 16, 32, 8, 8192, 128256, 131072, true, 0.1f);
        }

        int headDim() {
            return dim / heads;
        }
    }

    // Minimal Jinja templates of the two families, so the template is picked from metadata as in real files.
    static final String LLAMA3_TEMPLATE = "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + "
            + "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
    static final String CHATML_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private TestModels() {
    }

    /** Writes a model of {@code shape} with matrices of {@code type} (norms and biases F32) to {@code file}. */
    public static Path write(Path file, Shape s, GgmlType type, long seed) throws IOException {
        return write(file, s, QuantMix.pure(type), seed);
    }

    /** Writes a model of {@code shape} with each matrix in the type {@code mix} gives it (norms and biases F32). */
    public static Path write(Path file, Shape s, QuantMix mix, long seed) throws IOException {
        writer(s, mix, seed).write(file);
        return file;
    }

    /** The writer {@link #write} uses, with every key and tensor added, for tests that change a part of it. */
    public static GgufWriter writer(Shape s, GgmlType type, long seed) {
        return writer(s, QuantMix.pure(type), seed);
    }

    /** As {@link #writer(Shape, GgmlType, long)}, each matrix in the type {@code mix} gives it. */
    public static GgufWriter writer(Shape s, QuantMix mix, long seed) {
        SyntheticVocabulary vocab = SyntheticVocabulary.of(s.vocab(), seed);
        String a = s.arch();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", a)
                .putString("general.name", "bastion-test-" + a)
                .putString("general.license", "CC0-1.0")
                .putU32(a + ".context_length", s.context())
                .putU32(a + ".embedding_length", s.dim())
                .putU32(a + ".block_count", s.layers())
                .putU32(a + ".feed_forward_length", s.hidden())
                .putU32(a + ".attention.head_count", s.heads())
                .putU32(a + ".attention.head_count_kv", s.kvHeads())
                .putF32(a + ".attention.layer_norm_rms_epsilon", 1e-5f)
                .putF32(a + ".rope.freq_base", a.equals("llama") ? 500000f : 1000000f)
                .putU32(a + ".rope.dimension_count", s.headDim())
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", a.equals("llama") ? "llama-bpe" : "qwen2")
                .putStrings("tokenizer.ggml.tokens", vocab.tokens)
                .putInts("tokenizer.ggml.token_type", vocab.types)
                .putStrings("tokenizer.ggml.merges", vocab.merges)
                .putU32("tokenizer.ggml.bos_token_id", vocab.id(a.equals("llama") ? "<|begin_of_text|>" : "<|im_start|>"))
                .putU32("tokenizer.ggml.eos_token_id", vocab.id(a.equals("llama") ? "<|eot_id|>" : "<|im_end|>"))
                .putBool("tokenizer.ggml.add_bos_token", a.equals("llama"))
                .putString("tokenizer.chat_template", a.equals("llama") ? LLAMA3_TEMPLATE : CHATML_TEMPLATE);
        SplittableRandom random = new SplittableRandom(seed);
        int hd = s.headDim();
        GgmlType embeddingType = mix.typeOf("token_embd.weight", 0, s.layers(), s.tied());
        matrix(w, "token_embd.weight", embeddingType, s.vocab(), s.dim(), s.embeddingScale(), random.split(), true);
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            GgmlType vType = mix.typeOf(p + "attn_v.weight", l, s.layers(), s.tied());
            GgmlType downType = mix.typeOf(p + "ffn_down.weight", l, s.layers(), s.tied());
            norm(w, p + "attn_norm.weight", s.dim(), random.split());
            matrix(w, p + "attn_q.weight", mix.base(), s.heads() * hd, s.dim(), 0, random.split());
            matrix(w, p + "attn_k.weight", mix.base(), s.kvHeads() * hd, s.dim(), 0, random.split());
            matrix(w, p + "attn_v.weight", vType, s.kvHeads() * hd, s.dim(), 0, random.split());
            if (a.equals("qwen2")) {
                bias(w, p + "attn_q.bias", s.heads() * hd, random.split());
                bias(w, p + "attn_k.bias", s.kvHeads() * hd, random.split());
                bias(w, p + "attn_v.bias", s.kvHeads() * hd, random.split());
            }
            if (a.equals("qwen3")) {
                norm(w, p + "attn_q_norm.weight", hd, random.split());
                norm(w, p + "attn_k_norm.weight", hd, random.split());
            }
            matrix(w, p + "attn_output.weight", mix.base(), s.dim(), s.heads() * hd, 0, random.split());
            norm(w, p + "ffn_norm.weight", s.dim(), random.split());
            matrix(w, p + "ffn_gate.weight", mix.base(), s.hidden(), s.dim(), 0, random.split());
            matrix(w, p + "ffn_up.weight", mix.base(), s.hidden(), s.dim(), 0, random.split());
            matrix(w, p + "ffn_down.weight", downType, s.dim(), s.hidden(), 0, random.split());
        }
        norm(w, "output_norm.weight", s.dim(), random.split());
        if (!s.tied()) {
            GgmlType outputType = mix.typeOf("output.weight", 0, s.layers(), false);
            matrix(w, "output.weight", outputType, s.vocab(), s.dim(), s.embeddingScale(), random.split(), true);
        }
        return w;
    }

    /** The tokens of the synthetic vocabulary of {@code shape} and {@code seed}, by id. */
    public static List<String> tokens(Shape s, long seed) {
        return SyntheticVocabulary.of(s.vocab(), seed).tokens;
    }

    private static void matrix(GgufWriter w, String name, GgmlType type, int rows, int cols, float scale,
            SplittableRandom random) {
        matrix(w, name, type, rows, cols, scale, random, false);
    }

    /**
     * With {@code vocabularyRows}, the rows of the byte tokens 0x80-0xFF (ids 128-255) are scaled down 100 times, so
     * their logits sit near 0 and greedy decoding never picks half a UTF-8 character, whose streamed text the two
     * engines would show differently.
     */
    private static void matrix(GgufWriter w, String name, GgmlType type, int rows, int cols, float scale,
            SplittableRandom random, boolean vocabularyRows) {
        float sigma = scale > 0 ? scale : (float) (1.0 / Math.sqrt(cols));
        long seed = random.nextLong();
        w.addTensor(name, type, new long[] {cols, rows}, channel -> {
            SplittableRandom r = new SplittableRandom(seed);
            int rowsPerChunk = Math.max(1, (1 << 20) / cols);
            float[] values = new float[rowsPerChunk * cols];
            for (int done = 0; done < rows; done += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, rows - done);
                float[] chunk = n == rowsPerChunk ? values : new float[n * cols];
                for (int i = 0; i < chunk.length; i++) {
                    int row = done + i / cols;
                    float damp = vocabularyRows && row >= 128 && row < 256 ? 0.01f : 1f;
                    chunk[i] = (float) (gaussian(r) * sigma * damp);
                }
                byte[] bytes = Quantizer.quantize(type, chunk);
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        });
    }

    private static void norm(GgufWriter w, String name, int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1f + (float) (gaussian(random) * 0.1);
        }
        w.addTensor(name, GgmlType.F32, new long[] {n}, Quantizer.quantize(GgmlType.F32, v));
    }

    private static void bias(GgufWriter w, String name, int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (gaussian(random) * 0.1);
        }
        w.addTensor(name, GgmlType.F32, new long[] {n}, Quantizer.quantize(GgmlType.F32, v));
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has nextGaussian via RandomGenerator.
        return r.nextGaussian();
    }
}
