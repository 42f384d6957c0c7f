package dev.bastion.inference;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The tokenizer half of a GGUF file's metadata ({@code tokenizer.ggml.*}), checked.
 *
 * <p>{@code model} is {@code tokenizer.ggml.model}: {@code "gpt2"} (byte-level BPE, which needs {@code merges}) or
 * {@code "llama"} (SentencePiece BPE, which needs {@code scores}). {@code pre} is {@code tokenizer.ggml.pre}
 * (for example {@code "llama-bpe"}, {@code "qwen2"}, {@code "default"}). {@code scores} and {@code tokenTypes} are
 * either empty or have one entry per token; token types use GGUF's numbering ({@link #NORMAL} to {@link #BYTE}).
 *
 * <p>The arrays are copied in and out, so a vocabulary is immutable and thread-safe. No component may be null.
 *
 * @param model     {@code tokenizer.ggml.model}
 * @param pre       {@code tokenizer.ggml.pre}, or {@code "default"} when the file has none
 * @param tokens    {@code tokenizer.ggml.tokens}, indexed by token id
 * @param scores    {@code tokenizer.ggml.scores}, empty or one per token
 * @param tokenTypes {@code tokenizer.ggml.token_type}, empty or one per token, each 1 to 6
 * @param merges    {@code tokenizer.ggml.merges}, each {@code "left right"}, in priority order (may be empty)
 * @param bos       {@code tokenizer.ggml.bos_token_id}
 * @param eos       {@code tokenizer.ggml.eos_token_id}
 * @param eot       {@code tokenizer.ggml.eot_token_id}, when the file has one
 * @param addBos    {@code tokenizer.ggml.add_bos_token}
 */
public record Vocabulary(String model, String pre, List<String> tokens, float[] scores, int[] tokenTypes,
                         List<String> merges, int bos, int eos, OptionalInt eot, boolean addBos) {

    /** GGUF token type of an ordinary vocabulary entry. */
    public static final int NORMAL = 1;
    /** GGUF token type of the unknown token. */
    public static final int UNKNOWN = 2;
    /** GGUF token type of a control token ({@code <|eot_id|>}, {@code <s>}): never produced from plain text. */
    public static final int CONTROL = 3;
    /** GGUF token type of a user-defined token: matched as a whole word wherever its text appears. */
    public static final int USER_DEFINED = 4;
    /** GGUF token type of an unused (padding) entry. */
    public static final int UNUSED = 5;
    /** GGUF token type of a byte-fallback entry {@code <0xNN>}. */
    public static final int BYTE = 6;

    private static final List<String> END_OF_GENERATION_NAMES =
            List.of("<|eot_id|>", "<|im_end|>", "<|end_of_text|>", "<|endoftext|>", "</s>", "<|eom_id|>");

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException naming the first inconsistent field (sizes, ids out of range, bad types)
     */
    public Vocabulary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(pre, "pre");
        Objects.requireNonNull(eot, "eot");
        tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
        merges = List.copyOf(Objects.requireNonNull(merges, "merges"));
        scores = Objects.requireNonNull(scores, "scores").clone();
        tokenTypes = Objects.requireNonNull(tokenTypes, "tokenTypes").clone();
        int n = tokens.size();
        if (n == 0) {
            throw new IllegalArgumentException("tokenizer.ggml.tokens is empty");
        }
        if (scores.length != 0 && scores.length != n) {
            throw new IllegalArgumentException("tokenizer.ggml.scores has " + scores.length
                    + " entries but tokenizer.ggml.tokens has " + n);
        }
        if (tokenTypes.length != 0 && tokenTypes.length != n) {
            throw new IllegalArgumentException("tokenizer.ggml.token_type has " + tokenTypes.length
                    + " entries but tokenizer.ggml.tokens has " + n);
        }
        for (int i = 0; i < tokenTypes.length; i++) {
            if (tokenTypes[i] < NORMAL || tokenTypes[i] > BYTE) {
                throw new IllegalArgumentException("tokenizer.ggml.token_type[" + i + "] is " + tokenTypes[i]
                        + ", expected 1 (normal) to 6 (byte)");
            }
        }
        checkId("tokenizer.ggml.bos_token_id", bos, n);
        checkId("tokenizer.ggml.eos_token_id", eos, n);
        if (eot.isPresent()) {
            checkId("tokenizer.ggml.eot_token_id", eot.getAsInt(), n);
        }
        for (int i = 0; i < merges.size(); i++) {
            String merge = merges.get(i);
            int space = merge.indexOf(' ', 1);
            if (space < 0 || space == merge.length() - 1) {
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + i
                        + "] is not two tokens separated by one space");
            }
        }
    }

    private static void checkId(String key, int id, int size) {
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException(key + " is " + id + ", outside the vocabulary of " + size + " tokens");
        }
    }

    /** Returns a copy of the scores (empty when the file has none). */
    @Override
    public float[] scores() {
        return scores.clone();
    }

    /** Returns a copy of the token types (empty when the file has none). */
    @Override
    public int[] tokenTypes() {
        return tokenTypes.clone();
    }

    /** Number of tokens. */
    public int size() {
        return tokens.size();
    }

    /** GGUF type of token {@code id}; {@link #NORMAL} when the file has no types. */
    int typeOf(int id) {
        return tokenTypes.length == 0 ? NORMAL : tokenTypes[id];
    }

    /** Score of token {@code id}; 0 when the file has no scores. */
    float scoreOf(int id) {
        return scores.length == 0 ? 0f : scores[id];
    }

    /**
     * The tokens that end a generation: {@code eos}, {@code eot} when present, and the control tokens named
     * {@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|im_end|>}, {@code <|end_of_text|>}, {@code <|endoftext|>} or
     * {@code </s>} when the vocabulary has them.
     *
     * @return an immutable set, iterated in that order
     */
    public Set<Integer> endOfGenerationTokens() {
        var ids = new LinkedHashSet<Integer>();
        ids.add(eos);
        eot.ifPresent(ids::add);
        for (int id = 0; id < tokens.size(); id++) {
            if (typeOf(id) == CONTROL && END_OF_GENERATION_NAMES.contains(tokens.get(id))) {
                ids.add(id);
            }
        }
        return java.util.Collections.unmodifiableSet(ids);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Vocabulary v && model.equals(v.model) && pre.equals(v.pre)
                && tokens.equals(v.tokens) && Arrays.equals(scores, v.scores)
                && Arrays.equals(tokenTypes, v.tokenTypes) && merges.equals(v.merges) && bos == v.bos
                && eos == v.eos && eot.equals(v.eot) && addBos == v.addBos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, pre, tokens, Arrays.hashCode(scores), Arrays.hashCode(tokenTypes), merges,
                bos, eos, eot, addBos);
    }

    @Override
    public String toString() {
        return "Vocabulary[model=" + model + ", pre=" + pre + ", tokens=" + tokens.size() + ", merges="
                + merges.size() + ", bos=" + bos + ", eos=" + eos + ", eot=" + eot + ", addBos=" + addBos + "]";
    }
}
