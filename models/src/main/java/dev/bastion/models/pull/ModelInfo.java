package dev.bastion.models.pull;

import dev.bastion.models.progress.ProgressBar;
import dev.bastion.models.scan.GgufInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code bastion model info} shows about a GGUF file: the architecture and its shape (context length,
 * embedding size, layers, heads, vocabulary), the parameter count, the quantisation (the file type and how many
 * tensors have each type), the licence, which chat template family its template belongs to, the file size and
 * SHA-256. Values the file does not record are empty. Reads only the header and metadata (and the whole file once,
 * for the hash).
 */
public record ModelInfo(Path file, long size, String sha256, GgufInfo gguf) {
    /* general.file_type values, from enum llama_ftype in llama.cpp's include/llama.h (facts, not code). */
    private static final Map<Long, String> FILE_TYPES = Map.ofEntries(Map.entry(0L, "F32"), Map.entry(1L, "F16"),
            Map.entry(2L, "Q4_0"), Map.entry(3L, "Q4_1"), Map.entry(7L, "Q8_0"), Map.entry(8L, "Q5_0"),
            Map.entry(9L, "Q5_1"), Map.entry(10L, "Q2_K"), Map.entry(11L, "Q3_K_S"), Map.entry(12L, "Q3_K_M"),
            Map.entry(13L, "Q3_K_L"), Map.entry(14L, "Q4_K_S"), Map.entry(15L, "Q4_K_M"), Map.entry(16L, "Q5_K_S"),
            Map.entry(17L, "Q5_K_M"), Map.entry(18L, "Q6_K"), Map.entry(19L, "IQ2_XXS"), Map.entry(20L, "IQ2_XS"),
            Map.entry(21L, "Q2_K_S"), Map.entry(22L, "IQ3_XS"), Map.entry(23L, "IQ3_XXS"), Map.entry(24L, "IQ1_S"),
            Map.entry(25L, "IQ4_NL"), Map.entry(26L, "IQ3_S"), Map.entry(27L, "IQ3_M"), Map.entry(28L, "IQ2_S"),
            Map.entry(29L, "IQ2_M"), Map.entry(30L, "IQ4_XS"), Map.entry(31L, "IQ1_M"), Map.entry(32L, "BF16"),
            Map.entry(36L, "TQ1_0"), Map.entry(37L, "TQ2_0"));
    /* Turn markers that identify a chat template's family, in the order they are reported. */
    private static final Map<String, String> TEMPLATE_MARKERS = markers();

    public ModelInfo {
        if (file == null || sha256 == null || gguf == null || size < 0) {
            throw new IllegalArgumentException("file, size, sha256 and gguf are required");
        }
    }

    /**
     * Reads a GGUF file.
     *
     * @throws dev.bastion.models.scan.FormatException if it is not GGUF or is malformed (the message says where)
     * @throws IOException if it cannot be read
     */
    public static ModelInfo read(Path file) throws IOException {
        GgufInfo g = GgufInfo.read(file);
        return new ModelInfo(file, Files.size(file), Sha256.of(file), g);
    }

    public Optional<String> architecture() {
        return gguf.get("general.architecture");
    }

    /** The file type's name (Q4_K_M, Q8_0, ...), or {@code typeN} for a value this table does not know. */
    public Optional<String> fileType() {
        return gguf.number("general.file_type").map(t -> FILE_TYPES.getOrDefault(t, "type" + t));
    }

    /** An architecture key such as {@code llama.context_length}. */
    private Optional<Long> arch(String suffix) {
        return architecture().flatMap(a -> gguf.number(a + "." + suffix));
    }

    public Optional<Long> contextLength() {
        return arch("context_length");
    }

    public Optional<Long> embeddingLength() {
        return arch("embedding_length");
    }

    public Optional<Long> layers() {
        return arch("block_count");
    }

    public Optional<Long> heads() {
        return arch("attention.head_count");
    }

    public Optional<Long> kvHeads() {
        return arch("attention.head_count_kv");
    }

    public Optional<Long> vocabularySize() {
        return gguf.arrayLength("tokenizer.ggml.tokens").or(() -> arch("vocab_size"));
    }

    public Optional<String> licence() {
        return gguf.get("general.license");
    }

    /** The chat template families whose turn markers the template contains, e.g. {@code chatml (<|im_start|>)}. */
    public List<String> chatTemplateFamilies() {
        List<String> out = new ArrayList<>();
        TEMPLATE_MARKERS.forEach((marker, family) -> {
            if (gguf.chatTemplate().contains(marker)) {
                out.add(family + " (" + marker + ")");
            }
        });
        return out;
    }

    /** The lines {@code bastion model info} prints. */
    public List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add("file:            " + file);
        l.add("size:            " + size + " bytes (" + ProgressBar.bytes(size) + ")");
        l.add("sha256:          " + sha256);
        l.add("gguf version:    " + gguf.version());
        l.add("name:            " + gguf.get("general.name").orElse("-"));
        l.add("architecture:    " + architecture().orElse("-"));
        l.add("parameters:      " + gguf.parameters() + gguf.get("general.size_label").map(s -> " (" + s + ")").orElse(""));
        l.add("file type:       " + fileType().orElse("-"));
        l.add("tensor types:    " + gguf.tensorTypes() + " (" + gguf.tensors() + " tensors)");
        l.add("context length:  " + contextLength().map(String::valueOf).orElse("-"));
        l.add("embedding size:  " + embeddingLength().map(String::valueOf).orElse("-"));
        l.add("layers:          " + layers().map(String::valueOf).orElse("-"));
        l.add("heads:           " + heads().map(String::valueOf).orElse("-")
                + kvHeads().map(k -> " (" + k + " key/value)").orElse(""));
        l.add("vocabulary:      " + vocabularySize().map(String::valueOf).orElse("-"));
        List<String> families = chatTemplateFamilies();
        l.add("chat template:   " + (gguf.chatTemplate().isEmpty() ? "none"
                : families.isEmpty() ? "present, family not recognised" : String.join(", ", families)));
        l.add("licence:         " + licence().orElse("- (general.license not set)"));
        return l;
    }

    private static Map<String, String> markers() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("<|im_start|>", "chatml");
        m.put("<|start_header_id|>", "llama3");
        m.put("<start_of_turn>", "gemma");
        m.put("[INST]", "mistral/llama2");
        m.put("<|user|>", "phi3/zephyr");
        m.put("<|START_OF_TURN_TOKEN|>", "command-r");
        m.put("<|channel|>", "harmony");
        m.put("<think>", "reasoning");
        m.put("<tool_call>", "tool calls");
        return m;
    }
}
