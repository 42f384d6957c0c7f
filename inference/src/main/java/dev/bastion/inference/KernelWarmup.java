package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs a tiny model of a real model's shape through the forward pass, so that the JIT compiles the kernels the real
 * model will use before its first prompt (issue 22, item 3: a cold {@code bastion generate} spent most of its CPU
 * before the first token in the interpreted and C1-compiled Vector API code of the kernels, and the JDK 25 AOT cache
 * keeps no compiled code).
 *
 * <p>The tiny model keeps what picks the code paths: the architecture, the head count, key/value heads, head and RoPE
 * dimensions, the optional biases and q/k norms, and every tensor type each role of the real model uses (one layer per
 * distinct type, so a Q4_K_M file warms both its Q4_K and its Q6_K kernels). It shrinks what only sets the amount of
 * work: embedding and feed-forward widths of 256, a vocabulary of 256, a context of {@value #CONTEXT}. Its weights are
 * the first bytes of real tensors of each type, read as smaller matrices. Each round runs a prompt (the batched
 * matmul path) and {@value #DECODE} single tokens (the matvec path) into the real model's kind of key/value cache.
 *
 * <p>The prompt has the shapes of a real one ({@link #promptLength}): a whole batch of {@link Transformer#MAX_BATCH}
 * tokens, then a shorter tail, as a real prompt ends. The batched kernels have one code path per number of
 * 16-input groups in a call ({@link MatmulInputLanes}: 64 inputs take {@code rows4x4}, 5 take {@code rows8x1}), so
 * the tails run through 1, 2 and 3 groups across the rounds (a whole batch is the fourth), and none is a multiple of
 * the four tokens a tile of {@link MatmulTiles} takes (its one-token tail runs too). Round eleven's warm-up ran 25
 * tokens only: a real 133-token prompt (64 + 64 + 5) then ran its two kernels interpreted and compiled them during
 * the prompt (docs/benchmarks.md, cold start, round twelve).
 *
 * <p>Stateless; its work is confined to the calling thread and the shared {@link Parallel} pool.
 */
final class KernelWarmup {
    static final int WIDTH = 256;
    /** The tails of the rounds' prompts after their whole batch: 1, 2 and 3 groups of 16 inputs, none a multiple of 4. */
    static final int[] TAILS = {5, 25, 45};
    static final int DECODE = 16;
    static final int CONTEXT = Transformer.MAX_BATCH + 45 + DECODE;

    private KernelWarmup() {
    }

    /**
     * Runs {@code rounds} rounds on the tiny twin of the model in {@code file}.
     *
     * @throws GgufFormatException if the real model's tensors are missing or of a type the engine does not run
     */
    static void run(GgufFile file, ModelConfig real, KvCacheType cacheType, int rounds) throws GgufFormatException {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be positive, got " + rounds);
        }
        Weights weights = tinyWeights(file, real);
        ModelConfig shaped = tinyConfig(real, weights.layers().size());
        Transformer transformer = new Transformer(shaped, weights, CONTEXT);
        SplittableRandom random = new SplittableRandom(23);
        int[] tokens = new int[CONTEXT];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(WIDTH);
        }
        float[] logits = new float[WIDTH];
        for (int r = 0; r < rounds; r++) {
            int prompt = promptLength(r);
            Transformer.Sequence s = transformer.newSequence(CONTEXT, cacheType);
            transformer.forward(s, tokens, 0, prompt, logits);
            for (int i = 0; i < DECODE; i++) {
                transformer.forward(s, tokens, prompt + i, 1, logits);
            }
        }
    }

    /** The prompt of round {@code round}: one whole batch and a tail, the tails taken in turn. */
    static int promptLength(int round) {
        return Transformer.MAX_BATCH + TAILS[round % TAILS.length];
    }

    /** The tiny model's configuration: the real one's heads and RoPE, {@value #WIDTH} wide, {@code layers} deep. */
    static ModelConfig tinyConfig(ModelConfig real, int layers) {
        return new ModelConfig(real.architecture(), CONTEXT, WIDTH, layers, WIDTH, real.heads(), real.kvHeads(),
                real.headDim(), real.rmsEpsilon(), real.ropeBase(), real.ropeDim(), real.ropeNeox(), real.ropeScale(),
                WIDTH);
    }

    /** Whether {@code real} is at least as large as the tiny model in every dimension (smaller ones need no warm-up). */
    static boolean fits(ModelConfig real) {
        return real.dim() >= WIDTH && real.hiddenDim() >= WIDTH && real.vocabularySize() >= WIDTH;
    }

    /**
     * The tiny model's weights: one layer per distinct type any role has in the real model (the first layer takes
     * each role's first type), the embedding and output of the real ones' types. Each matrix is the first bytes of a
     * real tensor of its type, read as a smaller matrix: the same mapped memory the real model's kernels read (so
     * the JIT sees the same kind of memory segment at every call), and no new memory. An arena of the warm-up's own
     * would also cost the compiled kernels: closing a shared arena deoptimises the compiled methods that access
     * memory segments (seen with -XX:+PrintCompilation, "marked for deoptimization" as the warm-up returned).
     *
     * @throws IllegalArgumentException if {@code real} does not {@link #fits fit}
     */
    static Weights tinyWeights(GgufFile file, ModelConfig real) throws GgufFormatException {
        if (!fits(real)) {
            throw new IllegalArgumentException("a model narrower than " + WIDTH + " needs no warm-up");
        }
        ModelConfig tiny = tinyConfig(real, 1);
        String[] roles = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
        List<List<GgufTensor>> sources = new ArrayList<>();
        int layers = 1;
        for (String role : roles) {
            java.util.Map<GgmlType, GgufTensor> firstOfType = new java.util.LinkedHashMap<>();
            for (int l = 0; l < real.layers(); l++) {
                GgufTensor t = tensor(file, "blk." + l + "." + role + ".weight");
                firstOfType.putIfAbsent(t.type(), t);
            }
            sources.add(List.copyOf(firstOfType.values()));
            layers = Math.max(layers, firstOfType.size());
        }
        boolean bias = file.tensor("blk.0.attn_q.bias").isPresent();
        boolean headNorm = file.tensor("blk.0.attn_q_norm.weight").isPresent();
        int q = tiny.qDim();
        int kv = tiny.kvDim();
        List<Weights.Layer> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int at = l;
            java.util.function.IntFunction<GgufTensor> t =
                    role -> sources.get(role).get(Math.min(at, sources.get(role).size() - 1));
            out.add(new Weights.Layer(ones(WIDTH),
                    matrix(file, t.apply(0), q, WIDTH), matrix(file, t.apply(1), kv, WIDTH),
                    matrix(file, t.apply(2), kv, WIDTH), matrix(file, t.apply(3), WIDTH, q),
                    bias ? Optional.of(small(q)) : Optional.empty(),
                    bias ? Optional.of(small(kv)) : Optional.empty(),
                    bias ? Optional.of(small(kv)) : Optional.empty(),
                    headNorm ? Optional.of(ones(tiny.headDim())) : Optional.empty(),
                    headNorm ? Optional.of(ones(tiny.headDim())) : Optional.empty(),
                    ones(WIDTH),
                    matrix(file, t.apply(4), WIDTH, WIDTH), matrix(file, t.apply(5), WIDTH, WIDTH),
                    matrix(file, t.apply(6), WIDTH, WIDTH)));
        }
        WeightMatrix embedding = matrix(file, tensor(file, "token_embd.weight"), WIDTH, WIDTH);
        WeightMatrix output = file.tensor("output.weight").isPresent()
                ? matrix(file, tensor(file, "output.weight"), WIDTH, WIDTH)
                : embedding;
        Optional<float[]> rope = file.tensor("rope_freqs.weight").isPresent()
                ? Optional.of(ones(tiny.ropeDim() / 2))
                : Optional.empty();
        return new Weights(embedding, List.copyOf(out), ones(WIDTH), output, rope);
    }

    private static GgufTensor tensor(GgufFile file, String name) throws GgufFormatException {
        GgufTensor t = file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor " + name + " is missing"));
        if (!t.type().supported()) {
            throw new GgufFormatException("tensor " + name + " has type " + t.type() + ", which Bastion's engine does not run");
        }
        return t;
    }

    /** The first bytes of {@code t} as a {@code rows} x {@code cols} matrix of its type. */
    private static WeightMatrix matrix(GgufFile file, GgufTensor t, int rows, int cols) throws GgufFormatException {
        long bytes = t.type().byteSize((long) rows * cols);
        MemorySegment data = file.data(t);
        if (data.byteSize() < bytes) {
            throw new GgufFormatException("tensor " + t.name() + " is smaller than the warm-up's " + rows + " x " + cols);
        }
        return WeightMatrix.of(t.type(), data.asSlice(0, bytes), rows, cols);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private static float[] small(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 7 - 3) * 0.01f;
        }
        return v;
    }
}
