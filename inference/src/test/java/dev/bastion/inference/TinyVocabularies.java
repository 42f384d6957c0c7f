package dev.bastion.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/** Small hand-made vocabularies for tests that must not depend on downloaded files. */
final class TinyVocabularies {

    private TinyVocabularies() {
    }

    /**
     * Byte-level BPE: the 256 byte tokens (id = byte value's position in the alphabet order, 0..255), then the
     * merged tokens of {@code merges} in order, then the control tokens {@code <|bos|>}, {@code <|im_start|>},
     * {@code <|im_end|>} and the user-defined token {@code <tool>}.
     */
    static Vocabulary byteLevel(String pre, List<String> merges) {
        var tokens = new ArrayList<String>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        for (String merge : merges) {
            String merged = merge.replace(" ", "");
            if (!tokens.contains(merged)) {
                tokens.add(merged);
            }
        }
        int firstSpecial = tokens.size();
        tokens.addAll(List.of("<|bos|>", "<|im_start|>", "<|im_end|>", "<tool>"));
        int[] types = new int[tokens.size()];
        Arrays.fill(types, Vocabulary.NORMAL);
        types[firstSpecial] = Vocabulary.CONTROL;
        types[firstSpecial + 1] = Vocabulary.CONTROL;
        types[firstSpecial + 2] = Vocabulary.CONTROL;
        types[firstSpecial + 3] = Vocabulary.USER_DEFINED;
        return new Vocabulary("gpt2", pre, tokens, new float[0], types, merges, firstSpecial, firstSpecial + 2,
                OptionalInt.empty(), false);
    }

    /** The byte-level text of {@code s} (what a merge line holds), e.g. "Ġworld" for " world". */
    static String bl(String s) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteLevel.encode(utf8, 0, utf8.length);
    }

    /**
     * SentencePiece: {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens, then {@code pieces} with
     * scores {@code scores} (same length).
     */
    static Vocabulary sentencePiece(List<String> pieces, float[] pieceScores) {
        var tokens = new ArrayList<String>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        tokens.addAll(pieces);
        int[] types = new int[tokens.size()];
        float[] scores = new float[tokens.size()];
        Arrays.fill(types, Vocabulary.NORMAL);
        types[0] = Vocabulary.UNKNOWN;
        types[1] = Vocabulary.CONTROL;
        types[2] = Vocabulary.CONTROL;
        for (int i = 3; i < 259; i++) {
            types[i] = Vocabulary.BYTE;
        }
        System.arraycopy(pieceScores, 0, scores, 259, pieceScores.length);
        return new Vocabulary("llama", "default", tokens, scores, types, List.of(), 1, 2, OptionalInt.empty(), true);
    }
}
