package dev.bastion.inference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a stream of generated token ids into text as it becomes complete. A character whose UTF-8 bytes are split
 * across tokens (common for CJK and emoji in byte-level BPE and in byte fallback) is held back until its last byte
 * arrives. Control tokens produce no text. Text is otherwise what {@link Tokenizer#decode} gives for the same ids.
 *
 * <p>Not thread-safe: one decoder per stream.
 */
public final class TokenTextDecoder {

    private final Tokenizer tokenizer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean runStart = true;

    /** A decoder for the ids of {@code tokenizer}, for a whole text: its first token starts the text. */
    public TokenTextDecoder(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * A decoder for the tokens that follow {@code prompt}: its text is what {@link Tokenizer#decode} of prompt and
     * continuation adds to the decoded prompt. SentencePiece drops the space it put before a text only at the start
     * of that text (or after a control token); a continuation of text keeps it, as llama.cpp does.
     *
     * @throws IllegalArgumentException when the last id of {@code prompt} is outside the vocabulary
     */
    public static TokenTextDecoder continuing(Tokenizer tokenizer, int[] prompt) {
        var decoder = new TokenTextDecoder(tokenizer);
        if (prompt.length > 0) {
            int last = prompt[prompt.length - 1];
            tokenizer.tokenBytes(last); // checks the id
            decoder.runStart = tokenizer.startsTextRun(last);
        }
        return decoder;
    }

    /**
     * Adds one token and returns the text completed by it (possibly empty).
     *
     * @throws IllegalArgumentException when {@code id} is outside the vocabulary
     */
    public String push(int id) {
        byte[] piece = tokenizer.tokenBytes(id);
        if (tokenizer.isControl(id)) {
            runStart = true;
            return "";
        }
        int skip = runStart && tokenizer.startsWithStrippedSpace(id) ? 1 : 0;
        runStart = tokenizer.startsTextRun(id);
        pending.write(piece, skip, piece.length - skip);
        byte[] buffered = pending.toByteArray();
        int complete = completePrefix(buffered);
        pending.reset();
        pending.write(buffered, complete, buffered.length - complete);
        return new String(buffered, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns what is still held back (an incomplete character becomes U+FFFD) and empties the decoder. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /* The complete prefix ends before a trailing lead byte whose sequence is still short of continuation bytes. At
     * most the last 3 bytes can belong to such a sequence. Anything malformed is left for new String(...) to turn
     * into U+FFFD, as Tokenizer.decode does. */
    private static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int x = b[n - back] & 0xFF;
            if ((x & 0xC0) == 0x80) {
                continue;
            }
            int need = x >= 0xF0 && x <= 0xF4 ? 4 : x >= 0xE0 && x < 0xF0 ? 3 : x >= 0xC2 && x < 0xE0 ? 2 : 1;
            return back < need ? n - back : n;
        }
        return n;
    }
}
