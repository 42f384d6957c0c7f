package dev.bastion.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Test helper: a Hugging Face {@code tokenizer.json} (+ {@code tokenizer_config.json}) turned into the
 * {@link Vocabulary} a GGUF file converted by llama.cpp's {@code convert_hf_to_gguf.py} would hold.
 *
 * <p>What the converter does, and this helper with it: tokens ordered by id, holes filled with {@code [PADn]}
 * (unused); added tokens that are special, or look special ({@code <|...|>}), are control tokens, other added
 * tokens user-defined; byte-level BPE keeps the merges as {@code "left right"}. For SentencePiece (Llama 2) the
 * GGUF holds the scores of {@code tokenizer.model}, but this tokenizer.json has BPE merges instead: the score of a
 * piece is derived from merge order, minus the rank of the first merge that makes it (pieces that no merge makes
 * get a score below every merge; they are single characters, bytes and specials, whose score is never used).
 * {@code <0xNN>} pieces are byte tokens and the unk token is unknown.
 */
final class HfVocabularies {

    /** A converted vocabulary, the chat template of tokenizer_config.json if it has one, and the source file. */
    record Converted(Vocabulary vocabulary, Optional<String> chatTemplate, Path tokenizerJson) {
    }

    private static final Map<ReferenceTokenizers.Family, Converted> CACHE = new HashMap<>();

    private HfVocabularies() {
    }

    /** Loads (once per test run) the family's reference files, or skips the calling test (see ReferenceTokenizers). */
    static synchronized Converted load(ReferenceTokenizers.Family family) {
        Path models = ReferenceTokenizers.models(family);
        return CACHE.computeIfAbsent(family, f -> convert(models, f.pre));
    }

    static Converted convert(Path models, String pre) {
        try {
            var mapper = new ObjectMapper();
            JsonNode json = mapper.readTree(Files.readString(models.resolve("tokenizer.json")));
            JsonNode config = mapper.readTree(Files.readString(models.resolve("tokenizer_config.json")));
            return convert(json, config, pre, models.resolve("tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Converted convert(JsonNode json, JsonNode config, String pre, Path source) {
        JsonNode model = json.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IllegalArgumentException(source + ": model.type is not BPE");
        }
        boolean sentencePiece = model.path("byte_fallback").asBoolean(false);
        var byId = new HashMap<Integer, String>();
        var types = new HashMap<Integer, Integer>();
        String unk = model.path("unk_token").asText("");
        model.path("vocab").properties().forEach(e -> {
            int id = e.getValue().asInt();
            byId.put(id, e.getKey());
            int type = Vocabulary.NORMAL;
            if (sentencePiece && e.getKey().matches("<0x[0-9A-F]{2}>")) {
                type = Vocabulary.BYTE;
            } else if (e.getKey().equals(unk)) {
                type = Vocabulary.UNKNOWN;
            }
            types.put(id, type);
        });
        for (JsonNode added : json.path("added_tokens")) {
            int id = added.path("id").asInt();
            String text = added.path("content").asText();
            byId.put(id, text);
            boolean control = added.path("special").asBoolean() || looksSpecial(text);
            types.put(id, text.equals(unk) ? Vocabulary.UNKNOWN
                    : control ? Vocabulary.CONTROL : Vocabulary.USER_DEFINED);
        }
        int size = byId.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
        var tokens = new ArrayList<String>(size);
        int[] tokenTypes = new int[size];
        for (int id = 0; id < size; id++) {
            tokens.add(byId.getOrDefault(id, "[PAD" + id + "]"));
            tokenTypes[id] = types.getOrDefault(id, Vocabulary.UNUSED);
        }
        var merges = new ArrayList<String>();
        for (JsonNode merge : model.path("merges")) {
            merges.add(merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText());
        }
        float[] scores = sentencePiece ? scoresFromMergeOrder(tokens, merges) : new float[0];
        var index = new HashMap<String, Integer>();
        for (int id = size - 1; id >= 0; id--) {
            index.put(tokens.get(id), id);
        }
        OptionalInt bos = tokenOf(config.path("bos_token"), index);
        int eos = tokenOf(config.path("eos_token"), index).orElseThrow();
        OptionalInt eot = OptionalInt.empty();
        for (String name : List.of("<|eot_id|>", "<|im_end|>")) {
            if (index.containsKey(name)) {
                eot = OptionalInt.of(index.get(name));
                break;
            }
        }
        // Qwen has no BOS token; its GGUF files name <|endoftext|> and set add_bos_token = false.
        int bosId = bos.orElseGet(() -> index.getOrDefault("<|endoftext|>", eos));
        boolean addBos = config.path("add_bos_token").asBoolean(bos.isPresent());
        var vocabulary = new Vocabulary(sentencePiece ? "llama" : "gpt2", pre, tokens, scores, tokenTypes,
                sentencePiece ? List.of() : merges, bosId, eos, eot, addBos);
        JsonNode template = config.path("chat_template");
        return new Converted(vocabulary, template.isTextual() ? Optional.of(template.asText()) : Optional.empty(),
                source);
    }

    private static boolean looksSpecial(String text) {
        return (text.startsWith("<|") && text.endsWith("|>")) || List.of("<pad>", "<mask>", "<2mass>", "[@BOS@]")
                .contains(text);
    }

    private static OptionalInt tokenOf(JsonNode node, Map<String, Integer> index) {
        String text = node.isObject() ? node.path("content").asText() : node.isTextual() ? node.asText() : "";
        Integer id = index.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private static float[] scoresFromMergeOrder(List<String> tokens, List<String> merges) {
        var rankOfPiece = new HashMap<String, Integer>();
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            int space = merge.indexOf(' ', 1);
            rankOfPiece.putIfAbsent(merge.substring(0, space) + merge.substring(space + 1), rank);
        }
        float[] scores = new float[tokens.size()];
        Arrays.fill(scores, -(float) merges.size() - 1);
        for (int id = 0; id < tokens.size(); id++) {
            Integer rank = rankOfPiece.get(tokens.get(id));
            if (rank != null) {
                scores[id] = -rank;
            }
        }
        return scores;
    }
}
