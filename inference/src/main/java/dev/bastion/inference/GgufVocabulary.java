package dev.bastion.inference;

import java.util.List;
import java.util.OptionalInt;

/** Reads a model's {@link Vocabulary} from the {@code tokenizer.ggml.*} keys of its GGUF metadata. */
final class GgufVocabulary {
    private GgufVocabulary() {
    }

    static Vocabulary read(GgufMetadata m) throws GgufFormatException {
        String model = m.requireString("tokenizer.ggml.model");
        List<String> tokens = m.strings("tokenizer.ggml.tokens")
                .orElseThrow(() -> new GgufFormatException("tokenizer.ggml.tokens is missing"));
        float[] scores = m.floats("tokenizer.ggml.scores").orElse(new float[0]);
        int[] types = m.ints("tokenizer.ggml.token_type").orElse(new int[0]);
        List<String> merges = m.strings("tokenizer.ggml.merges").orElse(List.of());
        String pre = m.string("tokenizer.ggml.pre").orElse("default");
        int eos = id(m, "tokenizer.ggml.eos_token_id", tokens.size())
                .orElseThrow(() -> new GgufFormatException("tokenizer.ggml.eos_token_id is missing"));
        int bos = id(m, "tokenizer.ggml.bos_token_id", tokens.size()).orElse(eos); // unused unless add_bos
        OptionalInt eot = id(m, "tokenizer.ggml.eot_token_id", tokens.size());
        boolean addBos = m.bool("tokenizer.ggml.add_bos_token").orElse(model.equals("llama"));
        try {
            return new Vocabulary(model, pre, tokens, scores, types, merges, bos, eos, eot, addBos);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("tokenizer metadata: " + e.getMessage());
        }
    }

    private static OptionalInt id(GgufMetadata m, String key, int size) throws GgufFormatException {
        var v = m.integer(key);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        if (v.get() < 0 || v.get() >= size) {
            throw new GgufFormatException(key + " = " + v.get() + " is outside the vocabulary of " + size + " tokens");
        }
        return OptionalInt.of((int) (long) v.get());
    }
}
