package dev.bastion.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
 * pseudo-random bytes below 0x40, which keeps every F16 scale and F32 value finite. Each round runs a prompt of
 * {@value #PROMPT} tokens (the batched matmul path) and {@value #DECODE} single tokens (the matvec path) into the
 * real model's kind of key/value cache.
 *
 * <p>Stateless; its work is confined to the calling thread and the shared {@link Parallel} pool.
 */
final class KernelWarmup {
    static final int WIDTH = 256;
    static final int CONTEXT = 64;
    static final int PROMPT = 24;
    static final int DECODE = 16;

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
        ModelConfig tiny = new ModelConfig(real.architecture(), CONTEXT, WIDTH, 1, WIDTH, real.heads(), real.kvHeads(),
                real.headDim(), real.rmsEpsilon(), real.ropeBase(), real.ropeDim(), real.ropeNeox(), real.ropeScale(),
                WIDTH);
        // An automatic arena, never closed: closing a shared arena deoptimises every compiled method that accesses
        // memory segments (seen with -XX:+PrintCompilation: the kernels the warm-up had compiled, "marked for
        // deoptimization" as it returned); the few megabytes go with the next collection.
        Arena arena = Arena.ofAuto();
        SplittableRandom random = new SplittableRandom(22);
        Weights weights = weights(file, real, tiny, arena, random);
        ModelConfig shaped = new ModelConfig(tiny.architecture(), CONTEXT, WIDTH, weights.layers().size(), WIDTH,
                tiny.heads(), tiny.kvHeads(), tiny.headDim(), tiny.rmsEpsilon(), tiny.ropeBase(), tiny.ropeDim(),
                tiny.ropeNeox(), tiny.ropeScale(), WIDTH);
        Transformer transformer = new Transformer(shaped, weights, CONTEXT);
        int[] tokens = new int[PROMPT + DECODE];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(WIDTH);
        }
        float[] logits = new float[WIDTH];
        for (int r = 0; r < rounds; r++) {
            Transformer.Sequence s = transformer.newSequence(CONTEXT, cacheType);
            transformer.forward(s, tokens, 0, PROMPT, logits);
            for (int i = 0; i < DECODE; i++) {
                transformer.forward(s, tokens, PROMPT + i, 1, logits);
            }
        }
    }

    /** One tiny layer per distinct type any role has in the real model; the embedding and output keep their types. */
    private static Weights weights(GgufFile file, ModelConfig real, ModelConfig tiny, Arena arena, SplittableRandom random)
            throws GgufFormatException {
        String[] roles = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};
        List<List<GgmlType>> types = new ArrayList<>();
        int layers = 1;
        for (String role : roles) {
            LinkedHashSet<GgmlType> seen = new LinkedHashSet<>();
            for (int l = 0; l < real.layers(); l++) {
                seen.add(type(file, "blk." + l + "." + role + ".weight"));
            }
            types.add(List.copyOf(seen));
            layers = Math.max(layers, seen.size());
        }
        boolean bias = file.tensor("blk.0.attn_q.bias").isPresent();
        boolean headNorm = file.tensor("blk.0.attn_q_norm.weight").isPresent();
        int q = tiny.qDim();
        int kv = tiny.kvDim();
        List<Weights.Layer> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int at = l;
            java.util.function.IntFunction<GgmlType> t = role -> types.get(role).get(Math.min(at, types.get(role).size() - 1));
            out.add(new Weights.Layer(ones(WIDTH),
                    matrix(t.apply(0), q, WIDTH, arena, random), matrix(t.apply(1), kv, WIDTH, arena, random),
                    matrix(t.apply(2), kv, WIDTH, arena, random), matrix(t.apply(3), WIDTH, q, arena, random),
                    bias ? Optional.of(small(q, random)) : Optional.empty(),
                    bias ? Optional.of(small(kv, random)) : Optional.empty(),
                    bias ? Optional.of(small(kv, random)) : Optional.empty(),
                    headNorm ? Optional.of(ones(tiny.headDim())) : Optional.empty(),
                    headNorm ? Optional.of(ones(tiny.headDim())) : Optional.empty(),
                    ones(WIDTH),
                    matrix(t.apply(4), WIDTH, WIDTH, arena, random), matrix(t.apply(5), WIDTH, WIDTH, arena, random),
                    matrix(t.apply(6), WIDTH, WIDTH, arena, random)));
        }
        WeightMatrix embedding = matrix(type(file, "token_embd.weight"), WIDTH, WIDTH, arena, random);
        WeightMatrix output = file.tensor("output.weight").isPresent()
                ? matrix(type(file, "output.weight"), WIDTH, WIDTH, arena, random)
                : embedding;
        Optional<float[]> rope = file.tensor("rope_freqs.weight").isPresent()
                ? Optional.of(ones(tiny.ropeDim() / 2))
                : Optional.empty();
        return new Weights(embedding, List.copyOf(out), ones(WIDTH), output, rope);
    }

    private static GgmlType type(GgufFile file, String name) throws GgufFormatException {
        GgmlType type = file.tensor(name).orElseThrow(() -> new GgufFormatException("tensor " + name + " is missing"))
                .type();
        if (!type.supported()) {
            throw new GgufFormatException("tensor " + name + " has type " + type + ", which Bastion's engine does not run");
        }
        return type;
    }

    private static WeightMatrix matrix(GgmlType type, int rows, int cols, Arena arena, SplittableRandom random) {
        byte[] bytes = new byte[Math.toIntExact(type.byteSize((long) rows * cols))];
        random.nextBytes(bytes);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] &= 0x3f;
        }
        MemorySegment data = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return WeightMatrix.of(type, data, rows, cols);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private static float[] small(int n, SplittableRandom random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() - 0.5) * 0.1f;
        }
        return v;
    }
}
