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
 * The trained injection classifiers: two logistic regressions over the same lexical features. The <em>direct</em>
 * model judges what a user typed (jailbreaks, overrides, prompt extraction); the <em>content</em> model judges text
 * the assistant reads (tool results, retrieved documents, e-mails) and was trained on clean documents against the same
 * documents with instructions to the assistant hidden in them. Each has its own threshold, fixed on calibration data
 * before any scoring. An optional embedding stage (direct model plus the sentence embedding of the first 256
 * characters) is kept for models that were trained with one; a model without it ignores any encoder. Carries a JSON
 * description of how it was trained (sources, licences, hashes, leave-one-source-out figures). Immutable and
 * thread-safe.
 *
 * <p>File format (gzip): "BINJ", version 2 or 3, rule count, 1 if character n-grams are used, embedding dimensions
 * (0 without an embedding stage), in version 3 the phantom-word count of the features (version 2: 0; a model without
 * phantom words is written as version 2, so older models rebuild byte for byte), the direct lexical weights (features, bias), the content weights (features, bias),
 * the embedding-stage weights when present (features, embedding, bias), the direct, content and embedding-stage
 * thresholds, then the description as UTF-8 JSON.
 */
public final class InjectionModel {
    static final int EMBEDDED_CHARS = 256;
    static final int MAX_FEATURE_CHARS = 16_384;
    private static final int VERSION = 2;
    private static final int VERSION_PHANTOM = 3;

    final int rules;
    final boolean charGrams;
    final int phantomWords;
    final float[] lexical;
    final float[] content;
    final Optional<float[]> full;
    final double lexicalThreshold;
    final double contentThreshold;
    final double fullThreshold;
    final String description;

    InjectionModel(int rules, boolean charGrams, int phantomWords, float[] lexical, float[] content,
            Optional<float[]> full, double lexicalThreshold, double contentThreshold, double fullThreshold,
            String description) {
        if (phantomWords < 0 || phantomWords > 10_000) {
            throw new IllegalArgumentException("injection model phantom-word count must be in [0, 10000]");
        }
        int features = Features.size(rules);
        if (lexical.length != features + 1 || content.length != features + 1
                || full.isPresent() && full.get().length != features + SentenceEncoder.DIMENSIONS + 1) {
            throw new IllegalArgumentException("injection model weights have the wrong shape");
        }
        for (double t : new double[] {lexicalThreshold, contentThreshold, fullThreshold}) {
            if (!(t > 0 && t < 1)) {
                throw new IllegalArgumentException("injection model thresholds must be in (0, 1)");
            }
        }
        this.rules = rules;
        this.charGrams = charGrams;
        this.phantomWords = phantomWords;
        this.lexical = lexical;
        this.content = content;
        this.full = full;
        this.lexicalThreshold = lexicalThreshold;
        this.contentThreshold = contentThreshold;
        this.fullThreshold = fullThreshold;
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

    /** True when the model has an embedding stage, so an encoder changes its scores. */
    public boolean usesEmbeddings() {
        return full.isPresent();
    }

    /** The direct threshold when scoring with ({@code embeddings}, if the model has that stage) or without. */
    public double threshold(boolean embeddings) {
        return embeddings && full.isPresent() ? fullThreshold : lexicalThreshold;
    }

    /**
     * The threshold for content the assistant reads (tool results, documents), applied to
     * {@link InjectionScanner#scoreContent}. It does not depend on embeddings: the content model is lexical.
     */
    public double indirectThreshold(boolean embeddings) {
        return contentThreshold;
    }

    /**
     * This model's direct model and embedding stage (weights and thresholds) with {@code other}'s content model
     * (weights and threshold), the description noting it ({@code "composed"}: the note, and whether the two content
     * models' weights were already the same). Round fourteen ships run 43's direct model with round five's content
     * model, so that tool results are judged exactly as before.
     */
    public InjectionModel withContentModelOf(InjectionModel other, String note) {
        if (other.rules != rules || other.charGrams != charGrams || other.phantomWords != phantomWords) {
            throw new IllegalArgumentException("the two injection models use different features");
        }
        String d = description.strip();
        if (!d.endsWith("}")) {
            throw new IllegalArgumentException("the injection model's description is not a JSON object");
        }
        String escaped = note.replace("\\", "\\\\").replace("\"", "\\\"");
        String composed = d.substring(0, d.length() - 1) + ",\"composed\":{\"note\":\"" + escaped
                + "\",\"sameContentWeights\":" + java.util.Arrays.equals(content, other.content) + "}}";
        return new InjectionModel(rules, charGrams, phantomWords, lexical, other.content, full, lexicalThreshold,
                other.contentThreshold, fullThreshold, composed);
    }

    /** How the model was trained, as JSON. */
    public String description() {
        return description;
    }

    Features.Sparse features(String normalized, boolean hidden, InjectionRules rules) {
        return Features.of(normalized, hidden, rules, MAX_FEATURE_CHARS, charGrams, phantomWords);
    }

    /** Whether {@link #features} reads {@code normalized} as it is (so its {@code ruleFound} is about this text). */
    boolean readsAsIs(String normalized) {
        return Features.readsAsIs(normalized, MAX_FEATURE_CHARS);
    }

    /** Probability from the direct model that {@code f} (with {@code embedding}, if the model uses one) is an attack. */
    double score(Features.Sparse f, Optional<float[]> embedding) {
        if (embedding.isPresent() && full.isPresent()) {
            float[] w = full.get();
            double z = dot(w, f);
            int base = Features.size(rules);
            float[] e = embedding.get();
            for (int j = 0; j < e.length; j++) {
                z += w[base + j] * e[j];
            }
            return sigmoid(z);
        }
        return sigmoid(dot(lexical, f));
    }

    /** Probability from the content model that {@code f} hides instructions to the assistant. */
    double scoreContent(Features.Sparse f) {
        return sigmoid(dot(content, f));
    }

    private static double dot(float[] w, Features.Sparse f) {
        double z = w[w.length - 1];
        for (int i = 0; i < f.index().length; i++) {
            z += w[f.index()[i]] * f.value()[i];
        }
        return z;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    public void write(OutputStream out) throws IOException {
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(out))) {
            d.writeBytes("BINJ");
            d.writeInt(phantomWords == 0 ? VERSION : VERSION_PHANTOM);
            d.writeInt(rules);
            d.writeInt(charGrams ? 1 : 0);
            d.writeInt(full.isPresent() ? SentenceEncoder.DIMENSIONS : 0);
            if (phantomWords != 0) {
                d.writeInt(phantomWords);
            }
            writeFloats(d, lexical);
            writeFloats(d, content);
            if (full.isPresent()) {
                writeFloats(d, full.get());
            }
            d.writeDouble(lexicalThreshold);
            d.writeDouble(contentThreshold);
            d.writeDouble(fullThreshold);
            byte[] desc = description.getBytes(StandardCharsets.UTF_8);
            d.writeInt(desc.length);
            d.write(desc);
        }
    }

    public static InjectionModel read(InputStream raw) throws IOException {
        DataInputStream d = new DataInputStream(new GZIPInputStream(raw));
        byte[] magic = d.readNBytes(4);
        int version = "BINJ".equals(new String(magic, StandardCharsets.US_ASCII)) ? d.readInt() : -1;
        if (version != VERSION && version != VERSION_PHANTOM) {
            throw new IOException("not a Bastion injection model (version " + VERSION + " or " + VERSION_PHANTOM
                    + "); retrain it with `bastion train injection`");
        }
        int rules = d.readInt();
        int charGrams = d.readInt();
        int dims = d.readInt();
        int phantomWords = version == VERSION_PHANTOM ? d.readInt() : 0;
        if (rules < 0 || rules > 10_000 || (charGrams & ~1) != 0 || (dims != 0 && dims != SentenceEncoder.DIMENSIONS)
                || phantomWords < 0 || phantomWords > 10_000) {
            throw new IOException("injection model header is implausible");
        }
        int features = Features.size(rules);
        float[] lexical = readFloats(d, features + 1);
        float[] content = readFloats(d, features + 1);
        Optional<float[]> full = dims == 0 ? Optional.empty() : Optional.of(readFloats(d, features + dims + 1));
        double lexicalThreshold = d.readDouble();
        double contentThreshold = d.readDouble();
        double fullThreshold = d.readDouble();
        int len = d.readInt();
        if (len < 0 || len > 1 << 20) {
            throw new IOException("injection model description is implausible");
        }
        String desc = new String(d.readNBytes(len), StandardCharsets.UTF_8);
        return new InjectionModel(rules, charGrams == 1, phantomWords, lexical, content, full, lexicalThreshold, contentThreshold,
                fullThreshold, desc);
    }

    private static void writeFloats(DataOutputStream d, float[] v) throws IOException {
        for (float x : v) {
            d.writeFloat(x);
        }
    }

    private static float[] readFloats(DataInputStream d, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = d.readFloat();
        }
        return v;
    }
}
