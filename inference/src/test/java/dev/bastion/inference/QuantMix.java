package dev.bastion.inference;

/**
 * Which type each weight matrix of a test model gets: one type for all ({@link #pure}), or a K-quant mix laid out
 * as llama.cpp's quantiser lays out its {@code _M} files for a llama model.
 *
 * <p>In a mix, the output head (the token embedding when it is tied) and {@code attn_v} and {@code ffn_down} of
 * the layers {@link #useMoreBits} picks (half of them: the first and last eighth and every third one between)
 * get {@code more}; every other matrix gets {@code base}. This follows {@code llama_tensor_get_type} in llama.cpp's
 * {@code src/llama-quant.cpp} for {@code LLAMA_FTYPE_MOSTLY_Q4_K_M} and {@code Q5_K_M} (non-Falcon models).
 *
 * @param name the file-name tag, such as {@code Q4_K_M}
 * @param base the type of most matrices
 * @param more the type of the matrices that get more bits; equal to {@code base} for a pure file
 */
public record QuantMix(String name, GgmlType base, GgmlType more) {

    /** Q4_K with Q6_K for the output, and for half of attn_v and ffn_down. */
    public static final QuantMix Q4_K_M = new QuantMix("Q4_K_M", GgmlType.Q4_K, GgmlType.Q6_K);
    /** Q5_K with Q6_K for the output, and for half of attn_v and ffn_down. */
    public static final QuantMix Q5_K_M = new QuantMix("Q5_K_M", GgmlType.Q5_K, GgmlType.Q6_K);

    public QuantMix {
        if (name.isBlank() || !base.supported() || !more.supported()) {
            throw new IllegalArgumentException("a mix needs a name and two supported types, got " + name + ": "
                    + base + ", " + more);
        }
    }

    /** Every matrix in {@code type}. */
    public static QuantMix pure(GgmlType type) {
        return new QuantMix(type.name(), type, type);
    }

    /**
     * The type of matrix {@code tensor} (a GGUF tensor name such as {@code blk.3.attn_v.weight}) in layer
     * {@code layer} of {@code layers}; {@code tiedOutput} when the token embedding is also the output head.
     */
    public GgmlType typeOf(String tensor, int layer, int layers, boolean tiedOutput) {
        if (tensor.equals("output.weight") || (tiedOutput && tensor.equals("token_embd.weight"))) {
            return more;
        }
        if ((tensor.endsWith("attn_v.weight") || tensor.endsWith("ffn_down.weight")) && useMoreBits(layer, layers)) {
            return more;
        }
        return base;
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }
}
