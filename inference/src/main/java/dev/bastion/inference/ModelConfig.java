package dev.bastion.inference;

import java.util.Optional;

/**
 * The hyperparameters of a decoder-only transformer, read from a GGUF file's metadata.
 *
 * <p>Every value comes from the file ({@code <arch>.embedding_length}, {@code <arch>.attention.head_count_kv},
 * ...), with ggml's documented defaults only where the format defines one (RoPE base 10000, key length = embedding
 * length / heads). The record checks that the shapes fit together, so a file whose numbers contradict each other
 * is refused before any tensor is touched.
 *
 * @param architecture the GGUF {@code general.architecture}: llama, mistral, qwen2 or qwen3
 * @param contextLength the context the model was trained for
 * @param dim the embedding width
 * @param layers the number of transformer blocks
 * @param hiddenDim the feed-forward width
 * @param heads query heads
 * @param kvHeads key/value heads (grouped-query attention when fewer than {@code heads})
 * @param headDim width of one query/key head
 * @param rmsEpsilon the RMSNorm epsilon
 * @param ropeBase the RoPE frequency base (theta)
 * @param ropeDim how many dimensions of each head are rotated
 * @param ropeNeox whether RoPE rotates (i, i + d/2) pairs (qwen) rather than (2i, 2i + 1) (llama)
 * @param ropeScale linear position scaling (1 = none)
 * @param vocabularySize rows of the token embedding
 */
public record ModelConfig(String architecture, int contextLength, int dim, int layers, int hiddenDim, int heads,
        int kvHeads, int headDim, float rmsEpsilon, float ropeBase, int ropeDim, boolean ropeNeox, float ropeScale,
        int vocabularySize) {

    public ModelConfig {
        if (!isSupported(architecture)) {
            throw new IllegalArgumentException("architecture '" + architecture
                    + "' is not supported (llama, mistral, qwen2, qwen3 are)");
        }
        positive("context length", contextLength);
        positive("embedding length", dim);
        positive("block count", layers);
        positive("feed-forward length", hiddenDim);
        positive("head count", heads);
        positive("key/value head count", kvHeads);
        positive("head dimension", headDim);
        positive("vocabulary size", vocabularySize);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("head count " + heads + " is not a multiple of the key/value head count "
                    + kvHeads);
        }
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE dimension " + ropeDim + " must be even and at most the head "
                    + "dimension " + headDim);
        }
        if (!(rmsEpsilon > 0) || !(ropeBase > 0) || !(ropeScale > 0)) {
            throw new IllegalArgumentException("norm epsilon, RoPE base and RoPE scale must be positive");
        }
    }

    /** Whether the engine runs this {@code general.architecture}. */
    public static boolean isSupported(String architecture) {
        return switch (architecture) {
            case "llama", "mistral", "qwen2", "qwen3" -> true;
            default -> false;
        };
    }

    /** Width of all query heads together. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of all key (or value) heads together. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Reads the configuration of the model in {@code file}. */
    public static ModelConfig from(GgufFile file) throws GgufFormatException {
        GgufMetadata m = file.metadata();
        String arch = m.requireString("general.architecture");
        if (!isSupported(arch)) {
            throw new GgufFormatException("general.architecture is '" + arch
                    + "'; Bastion's engine runs llama, mistral, qwen2 and qwen3");
        }
        String p = arch + ".";
        int dim = toInt(p + "embedding_length", m.requireInteger(p + "embedding_length"));
        int heads = toInt(p + "attention.head_count", m.requireInteger(p + "attention.head_count"));
        int kvHeads = toInt(p + "attention.head_count_kv",
                m.integer(p + "attention.head_count_kv").orElse((long) heads));
        if (heads <= 0 || dim % heads != 0 && m.integer(p + "attention.key_length").isEmpty()) {
            throw new GgufFormatException(p + "embedding_length " + dim + " is not divisible by "
                    + p + "attention.head_count " + heads);
        }
        int headDim = toInt(p + "attention.key_length",
                m.integer(p + "attention.key_length").orElse((long) (dim / Math.max(heads, 1))));
        int valueDim = toInt(p + "attention.value_length",
                m.integer(p + "attention.value_length").orElse((long) headDim));
        if (valueDim != headDim) {
            throw new GgufFormatException(p + "attention.value_length " + valueDim + " differs from key_length "
                    + headDim + "; such models are not supported");
        }
        int vocab = file.tensor("token_embd.weight")
                .map(GgufTensor::rows)
                .orElseThrow(() -> new GgufFormatException("tensor token_embd.weight is missing"));
        Optional<String> scaling = m.string(p + "rope.scaling.type");
        float ropeScale = 1f;
        if (scaling.isPresent() && scaling.get().equals("linear")) {
            ropeScale = (float) (1.0 / m.number(p + "rope.scaling.factor").orElse(1.0).doubleValue());
        } else if (scaling.isPresent() && !scaling.get().equals("none")) {
            // Llama 3's scaling comes as the rope_freqs tensor, which is applied; YaRN and others are not built.
            throw new GgufFormatException(p + "rope.scaling.type is '" + scaling.get()
                    + "'; Bastion's engine supports none and linear RoPE scaling");
        }
        try {
            return new ModelConfig(arch,
                    toInt(p + "context_length", m.requireInteger(p + "context_length")),
                    dim,
                    toInt(p + "block_count", m.requireInteger(p + "block_count")),
                    toInt(p + "feed_forward_length", m.requireInteger(p + "feed_forward_length")),
                    heads, kvHeads, headDim,
                    (float) m.requireNumber(p + "attention.layer_norm_rms_epsilon"),
                    (float) m.number(p + "rope.freq_base").orElse(10000.0).doubleValue(),
                    toInt(p + "rope.dimension_count", m.integer(p + "rope.dimension_count").orElse((long) headDim)),
                    arch.startsWith("qwen"),
                    ropeScale,
                    vocab);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(file.path().getFileName() + ": " + e.getMessage());
        }
    }

    private static int toInt(String key, long value) throws GgufFormatException {
        if (value <= 0 || value > (1 << 24)) {
            throw new GgufFormatException(key + " = " + value + " is out of range (1 to 16777216)");
        }
        return (int) value;
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
    }
}
