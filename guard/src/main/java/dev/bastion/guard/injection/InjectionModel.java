package dev.bastion.guard.injection;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The trained injection classifier: logistic regression over the lexical features, with (full model) and without
 * (lexical model) the sentence embedding of the text's first 256 characters. Carries its operating thresholds and a
 * JSON description of how it was trained (data hashes, held-out metrics). Immutable and thread-safe.
 *
 * <p>File format (gzip): "BINJ", version 1, rule count, embedding dimensions, the full weights (features,
 * embedding, bias), the lexical weights (features, bias), direct and indirect thresholds with and without
 * embeddings, then the description as
 * UTF-8 JSON.
 */
public final class InjectionModel {
    static final int EMBEDDED_CHARS = 256;
    static final int MAX_FEATURE_CHARS = 16_384;

    final int rules;
    final float[] full;
    final float[] lexical;
    final double threshold;
    final double indirectThreshold;
    final double lexicalThreshold;
    final double lexicalIndirectThreshold;
    final String description;

    InjectionModel(int rules, float[] full, float[] lexical, double threshold, double indirectThreshold,
            double lexicalThreshold, double lexicalIndirectThreshold, String description) {
        int features = Features.size(rules);
        if (full.length != features + SentenceEncoder.DIMENSIONS + 1 || lexical.length != features + 1) {
            throw new IllegalArgumentException("injection model weights have the wrong shape");
        }
        this.rules = rules;
        this.full = full;
        this.lexical = lexical;
        this.threshold = threshold;
        this.indirectThreshold = indirectThreshold;
        this.lexicalThreshold = lexicalThreshold;
        this.lexicalIndirectThreshold = lexicalIndirectThreshold;
        this.description = description;
    }

    /** The model shipped in the jar. */
    public static InjectionModel builtIn() {
        try (InputStream in = InjectionModel.class.getResourceAsStream("injection-model.bin.gz")) {
            if (in == null) {
                throw new IllegalStateException("the built-in injection model is missing from the jar");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in injection model", e);
        }
    }

    /** The direct threshold for scoring with ({@code embeddings}) or without sentence embeddings. */
    public double threshold(boolean embeddings) {
        return embeddings ? threshold : lexicalThreshold;
    }

    /** The stricter threshold for indirect content (tool results, retrieved documents). */
    public double indirectThreshold(boolean embeddings) {
        return embeddings ? indirectThreshold : lexicalIndirectThreshold;
    }

    /** How the model was trained, as JSON. */
    public String description() {
        return description;
    }

    /** Probability that {@code f} (with {@code embedding} when present) is an attack. */
    double score(Features.Sparse f, Optional<float[]> embedding) {
        float[] w = embedding.isPresent() ? full : lexical;
        double z = w[w.length - 1];
        for (int i = 0; i < f.index().length; i++) {
            z += w[f.index()[i]] * f.value()[i];
        }
        if (embedding.isPresent()) {
            int base = Features.size(rules);
            float[] e = embedding.get();
            for (int j = 0; j < e.length; j++) {
                z += w[base + j] * e[j];
            }
        }
        return 1 / (1 + Math.exp(-z));
    }

    public void write(OutputStream out) throws IOException {
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(out))) {
            d.writeBytes("BINJ");
            d.writeInt(1);
            d.writeInt(rules);
            d.writeInt(SentenceEncoder.DIMENSIONS);
            for (float v : full) {
                d.writeFloat(v);
            }
            for (float v : lexical) {
                d.writeFloat(v);
            }
            d.writeDouble(threshold);
            d.writeDouble(indirectThreshold);
            d.writeDouble(lexicalThreshold);
            d.writeDouble(lexicalIndirectThreshold);
            byte[] desc = description.getBytes(StandardCharsets.UTF_8);
            d.writeInt(desc.length);
            d.write(desc);
        }
    }

    public static InjectionModel read(InputStream raw) throws IOException {
        DataInputStream d = new DataInputStream(new GZIPInputStream(raw));
        byte[] magic = d.readNBytes(4);
        if (!"BINJ".equals(new String(magic, StandardCharsets.US_ASCII)) || d.readInt() != 1) {
            throw new IOException("not a Bastion injection model (version 1)");
        }
        int rules = d.readInt();
        int dims = d.readInt();
        if (rules < 0 || rules > 10_000 || dims != SentenceEncoder.DIMENSIONS) {
            throw new IOException("injection model header is implausible");
        }
        int features = Features.size(rules);
        float[] full = new float[features + dims + 1];
        for (int i = 0; i < full.length; i++) {
            full[i] = d.readFloat();
        }
        float[] lexical = new float[features + 1];
        for (int i = 0; i < lexical.length; i++) {
            lexical[i] = d.readFloat();
        }
        double threshold = d.readDouble();
        double indirect = d.readDouble();
        double lexicalThreshold = d.readDouble();
        double lexicalIndirect = d.readDouble();
        int len = d.readInt();
        if (len < 0 || len > 1 << 20) {
            throw new IOException("injection model description is implausible");
        }
        String desc = new String(d.readNBytes(len), StandardCharsets.UTF_8);
        return new InjectionModel(rules, full, lexical, threshold, indirect, lexicalThreshold, lexicalIndirect, desc);
    }
}
