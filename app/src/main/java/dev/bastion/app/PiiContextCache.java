package dev.bastion.app;

import dev.bastion.guard.pii.TokenVectors;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Word vectors of a list of texts, computed once and kept on disk (outside the repository) in half precision:
 * encoding is the slow part of training and evaluating the contextual stage. A cache file is used only when the
 * SHA-256 of the texts it was made from matches; otherwise the texts are encoded again and the file rewritten.
 */
final class PiiContextCache {
    private static final String MAGIC = "bastion-word-vectors-1";

    private PiiContextCache() {
    }

    static List<TokenVectors.Words> load(Path file, List<String> texts, TokenVectors encoder, String label)
            throws IOException {
        String hash = sha256(texts);
        if (Files.exists(file)) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
                if (in.readUTF().equals(MAGIC) && in.readUTF().equals(hash)) {
                    List<TokenVectors.Words> out = new ArrayList<>(texts.size());
                    for (int t = 0; t < texts.size(); t++) {
                        int n = in.readInt();
                        int[] s = new int[n];
                        int[] e = new int[n];
                        float[] v = new float[n * TokenVectors.DIMENSIONS];
                        for (int i = 0; i < n; i++) {
                            s[i] = in.readInt();
                            e[i] = in.readInt();
                        }
                        for (int k = 0; k < v.length; k++) {
                            v[k] = Float.float16ToFloat(in.readShort());
                        }
                        out.add(new TokenVectors.Words(s, e, v));
                    }
                    return out;
                }
            }
        }
        List<TokenVectors.Words> out = new ArrayList<>(texts.size());
        long t0 = System.nanoTime();
        long chars = 0;
        for (String text : texts) {
            out.add(encoder.of(text).orElseThrow(() -> new IllegalStateException("encoder busy")));
            chars += text.length();
            if (out.size() % 500 == 0) {
                System.err.printf("%s: encoded %d of %d texts, %.0f chars/s%n", label, out.size(), texts.size(),
                        chars / ((System.nanoTime() - t0) / 1e9));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            o.writeUTF(MAGIC);
            o.writeUTF(hash);
            for (TokenVectors.Words w : out) {
                o.writeInt(w.size());
                for (int i = 0; i < w.size(); i++) {
                    o.writeInt(w.start()[i]);
                    o.writeInt(w.end()[i]);
                }
                for (float f : w.vectors()) {
                    o.writeShort(Float.floatToFloat16(f));
                }
            }
        }
        // what is used must be what a later run reads back: half precision
        return load(file, texts, encoder, label);
    }

    static String sha256(List<String> texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String t : texts) {
                md.update(t.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
