package dev.bastion.inference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Text to token ids and back, for the tokenizers of Llama 3 (byte-level BPE, {@code "llama-bpe"}), Qwen2, 2.5 and 3
 * (byte-level BPE, {@code "qwen2"}) and Llama 2 / Mistral (SentencePiece BPE with byte fallback, {@code "llama"}).
 *
 * <p>Two ways in. {@link #encode} reads plain text: control tokens such as {@code <|im_start|>} are never made from
 * it, whatever it contains, so content from a user or a tool cannot open a new turn or a system message. Only
 * user-defined tokens (GGUF type 4, e.g. Qwen's {@code <think>} and {@code <tool_call>}, which the reference
 * tokenizers also match in any text) are recognised. {@link #encodeWithSpecialTokens} also recognises control
 * tokens, for text the program wrote itself (templates). Neither adds a BOS token: templates carry theirs.
 *
 * <p>Lone UTF-16 surrogates in input are encoded as U+FFFD. Ids outside the vocabulary are refused with an
 * {@link IllegalArgumentException}. This class is immutable and thread-safe.
 */
public final class Tokenizer {

    /** Encodes a run of text that contains no special token; {@code first} is true at the start and after one. */
    private interface TextEncoder {
        void encode(String run, boolean first, IntList out);
    }

    private final Vocabulary vocabulary;
    private final byte[][] bytes;
    private final int[] types;
    private final Map<String, Integer> specials;
    private final SpecialTokens userDefined;
    private final SpecialTokens controlAndUserDefined;
    private final SpecialTokens control;
    private final TextEncoder textEncoder;
    private final boolean sentencePiece;

    private Tokenizer(Vocabulary v) {
        this.vocabulary = v;
        int n = v.size();
        this.types = new int[n];
        var all = new HashMap<String, Integer>(n * 2);
        var words = new HashMap<String, Integer>(n * 2);
        var user = new HashMap<String, Integer>();
        var special = new HashMap<String, Integer>();
        var controls = new HashMap<String, Integer>();
        for (int id = 0; id < n; id++) {
            String text = v.tokens().get(id);
            types[id] = v.typeOf(id);
            all.putIfAbsent(text, id);
            switch (types[id]) {
                case Vocabulary.NORMAL -> words.putIfAbsent(text, id);
                case Vocabulary.USER_DEFINED -> {
                    words.putIfAbsent(text, id);
                    user.putIfAbsent(text, id);
                    special.putIfAbsent(text, id);
                }
                case Vocabulary.CONTROL -> {
                    special.putIfAbsent(text, id);
                    controls.putIfAbsent(text, id);
                }
                default -> { }
            }
        }
        this.specials = Map.copyOf(special);
        this.userDefined = new SpecialTokens(user);
        this.controlAndUserDefined = new SpecialTokens(special);
        this.control = new SpecialTokens(controls);
        switch (v.model()) {
            case "gpt2" -> {
                // The names llama.cpp reads for these two pre-tokenizers (llama-vocab.cpp).
                boolean llama3 = switch (v.pre()) {
                    case "llama-bpe", "llama3", "llama-v3" -> true;
                    case "qwen2", "deepseek-r1-qwen" -> false;
                    default -> throw unsupported(v);
                };
                var bpe = new BytePairEncoder(llama3 ? PreTokenizer.llama3() : PreTokenizer.qwen2(), words,
                        v.merges(), llama3);
                this.textEncoder = (run, first, out) -> bpe.encode(run, out);
                this.sentencePiece = false;
            }
            case "llama" -> {
                if (v.scores().length == 0) {
                    throw new IllegalArgumentException("tokenizer.ggml.model is \"llama\" (SentencePiece) but "
                            + "tokenizer.ggml.scores is missing: the merges of SentencePiece follow the scores");
                }
                var spm = new SentencePieceEncoder(words, v.scores(), all, unknownToken(v));
                this.textEncoder = (run, first, out) -> spm.encode(run, first, out);
                this.sentencePiece = true;
            }
            default -> throw unsupported(v);
        }
        this.bytes = new byte[n][];
        for (int id = 0; id < n; id++) {
            bytes[id] = pieceBytes(v.tokens().get(id), types[id]);
        }
    }

    /**
     * Builds the tokenizer of a vocabulary.
     *
     * @throws IllegalArgumentException when the model/pre-tokenizer pair is not one this class implements, or the
     *                                  vocabulary lacks what its model needs (scores, byte tokens, merge tokens)
     */
    public static Tokenizer of(Vocabulary v) {
        return new Tokenizer(v);
    }

    private static IllegalArgumentException unsupported(Vocabulary v) {
        return new IllegalArgumentException("unsupported tokenizer: tokenizer.ggml.model = \"" + v.model()
                + "\", tokenizer.ggml.pre = \"" + v.pre() + "\"; supported: model \"gpt2\" with pre \"llama-bpe\" "
                + "(Llama 3; also named llama3, llama-v3) or \"qwen2\" (Qwen2, 2.5, 3; also deepseek-r1-qwen), "
                + "and model \"llama\" (SentencePiece: Llama 2, Mistral)");
    }

    private static int unknownToken(Vocabulary v) {
        for (int id = 0; id < v.size(); id++) {
            if (v.typeOf(id) == Vocabulary.UNKNOWN) {
                return id;
            }
        }
        int unk = v.tokens().indexOf("<unk>");
        return Math.max(unk, 0);
    }

    private byte[] pieceBytes(String text, int type) {
        if (type == Vocabulary.BYTE && text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
        }
        if (type != Vocabulary.NORMAL) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (sentencePiece) {
            return text.replace(SentencePieceEncoder.SPACE, ' ').getBytes(StandardCharsets.UTF_8);
        }
        byte[] raw = ByteLevel.decode(text);
        return raw.length == 0 && !text.isEmpty() ? text.getBytes(StandardCharsets.UTF_8) : raw;
    }

    /** Encodes plain text: only user-defined tokens are recognised in it, never control tokens. */
    public int[] encode(String text) {
        return encode(text, userDefined);
    }

    /** Encodes text written by the program (a rendered template): control tokens in it become their ids. */
    public int[] encodeWithSpecialTokens(String text) {
        return encode(text, controlAndUserDefined);
    }

    private int[] encode(String text, SpecialTokens recognised) {
        var out = new IntList();
        encodeInto(text, recognised, out, new boolean[] {true});
        return out.toArray();
    }

    /** {@code first[0]}: whether the next text run starts the text or follows a special token. */
    private void encodeInto(String text, SpecialTokens recognised, IntList out, boolean[] first) {
        recognised.split(withoutLoneSurrogates(text), new SpecialTokens.Sink() {
            @Override
            public void text(String run) {
                textEncoder.encode(run, first[0], out);
                first[0] = false;
            }

            @Override
            public void token(int id) {
                out.add(id);
                first[0] = true;
            }
        });
    }

    /**
     * Encodes a rendered prompt: control tokens are recognised in the template's parts only; text, wherever it
     * comes from, is joined into runs and encoded as plain text, so the ids are those of
     * {@link #encodeWithSpecialTokens} of the whole prompt when no content holds a control token's text.
     */
    int[] encodePrompt(List<ChatTemplate.Prompt.Part> parts) {
        var out = new IntList();
        var run = new StringBuilder();
        boolean[] first = {true};
        for (ChatTemplate.Prompt.Part part : parts) {
            if (!part.template()) {
                run.append(part.text());
                continue;
            }
            control.split(part.text(), new SpecialTokens.Sink() {
                @Override
                public void text(String text) {
                    run.append(text);
                }

                @Override
                public void token(int id) {
                    encodeInto(run.toString(), userDefined, out, first);
                    run.setLength(0);
                    out.add(id);
                    first[0] = true;
                }
            });
        }
        encodeInto(run.toString(), userDefined, out, first);
        return out.toArray();
    }

    private static String withoutLoneSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    var sb = new StringBuilder(text.length());
                    text.codePoints().forEach(cp -> sb.appendCodePoint(
                            Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 0xFFFD : cp));
                    return sb.toString();
                }
                i++;
            }
        }
        return text;
    }

    /**
     * Decodes ids to text. Control and user-defined tokens appear as their text; bytes that are not valid UTF-8
     * become U+FFFD. For SentencePiece, the space that encoding put before each text run (at the start and after a
     * control token) is removed again, so {@code decode(encode(s)).equals(s)} for every tokenizer, except that
     * SentencePiece reads a literal U+2581 in {@code s} as the space it stands for (as SentencePiece does).
     *
     * @throws IllegalArgumentException when an id is outside the vocabulary
     */
    public String decode(int[] ids) {
        var out = new ByteArrayOutputStream();
        boolean runStart = true;
        for (int id : ids) {
            byte[] piece = bytes[checkId(id)];
            int skip = runStart && startsWithStrippedSpace(id) ? 1 : 0;
            out.write(piece, skip, piece.length - skip);
            runStart = startsTextRun(id);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The bytes token {@code id} stands for in text (its text for control and user-defined tokens); a copy. */
    public byte[] tokenBytes(int id) {
        return bytes[checkId(id)].clone();
    }

    /** Whether token {@code id} is a control token (never made from plain text, and not shown in streams). */
    boolean isControl(int id) {
        return types[checkId(id)] == Vocabulary.CONTROL;
    }

    /** Whether the next text run starts after token {@code id} (SentencePiece put a space before it). */
    boolean startsTextRun(int id) {
        return types[id] == Vocabulary.CONTROL || types[id] == Vocabulary.USER_DEFINED;
    }

    /** Whether token {@code id}, at the start of a text run, begins with the space SentencePiece put there. */
    boolean startsWithStrippedSpace(int id) {
        return sentencePiece && types[id] == Vocabulary.NORMAL && bytes[id].length > 0 && bytes[id][0] == ' ';
    }

    /** Number of tokens in the vocabulary. */
    public int vocabularySize() {
        return bytes.length;
    }

    /** The vocabulary entry of token {@code id}, as stored in the file. */
    public String token(int id) {
        return vocabulary.tokens().get(checkId(id));
    }

    /** The control or user-defined token whose text is exactly {@code text}, if there is one. */
    public OptionalInt specialToken(String text) {
        Integer id = specials.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The vocabulary this tokenizer was built from. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    private int checkId(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + bytes.length
                    + " tokens");
        }
        return id;
    }
}
