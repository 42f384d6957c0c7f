package dev.bastion.models.scan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a GGUF file says about itself, read by the same bounded, checked parser the model scan uses (so a file that
 * {@link #read} accepts is also structurally sound). Metadata values are printable strings: scalars as numbers,
 * strings of at most 512 characters as themselves, arrays summarised as {@code array[N] of TYPE}; longer strings
 * are left out, except the chat template (up to 256 KiB), which is kept on its own.
 *
 * @param version the GGUF version (2 or 3)
 * @param metadata every key in file order, with the value forms above
 * @param tensors the number of tensors
 * @param parameters the number of weights over all tensors
 * @param tensorTypes how many tensors have each ggml type (F32, Q4_K, ...)
 * @param chatTemplate {@code tokenizer.chat_template}, or empty when the file has none (or a longer one)
 */
public record GgufInfo(int version, Map<String, String> metadata, long tensors, long parameters,
        Map<String, Long> tensorTypes, String chatTemplate) {
    private static final java.util.regex.Pattern ARRAY = java.util.regex.Pattern.compile("array\\[(\\d{1,12})] of \\w+");

    public GgufInfo {
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        tensorTypes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tensorTypes));
        if (chatTemplate == null) {
            throw new IllegalArgumentException("chatTemplate is empty when absent, never null");
        }
    }

    /**
     * Reads and checks a GGUF file's header, metadata and tensor table; never the weights.
     *
     * @throws FormatException if the file is not GGUF or breaks the format (the message says where)
     * @throws IOException if the file cannot be read
     */
    public static GgufInfo read(Path file) throws IOException {
        return GgufScanner.scan(file);
    }

    /** A metadata value as text. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** A numeric metadata value (integers only). */
    public Optional<Long> number(String key) {
        String v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The element count of an array value ({@code tokenizer.ggml.tokens} gives the vocabulary size). */
    public Optional<Long> arrayLength(String key) {
        java.util.regex.Matcher m = ARRAY.matcher(metadata.getOrDefault(key, ""));
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }
}
