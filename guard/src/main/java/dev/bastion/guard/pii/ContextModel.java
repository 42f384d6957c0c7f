package dev.bastion.guard.pii;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The contextual token classifier's weights: per word, a softmax over BIO tags of {@link #TYPES} from the
 * standardised features of {@link ContextFeatures}, either directly (multinomial logistic regression, {@code
 * hidden == 0}) or through one ReLU layer of {@code hidden} units. The file (gzip) holds a magic string, the
 * recipe (sources, licences, SHA-256 of the data files, settings), the sizes, the feature means and scales and the
 * weights as floats. Immutable after construction and thread-safe.
 */
public final class ContextModel {
    /** The types this stage decides; the tags are O, then B-X and I-X for each X in this order. */
    public static final List<String> TYPES = List.of("PERSON", "LOCATION", "ORGANIZATION", "STREET_ADDRESS");
    public static final int TAGS = 1 + 2 * TYPES.size();
    private static final String MAGIC = "bastion-pii-context-1";

    final String recipe;
    /** Whether the first stage's name spans are among the features (else those slots stay zero). */
    final boolean firstStage;
    final int dim;
    final int hidden;
    final float[] mean;  // (dim)
    final float[] scale; // (dim) 1/std
    final float[] w1;    // (hidden, dim), empty when hidden == 0
    final float[] b1;    // (hidden)
    final float[] w2;    // (TAGS, hidden or dim)
    final float[] b2;    // (TAGS)

    ContextModel(String recipe, boolean firstStage, int dim, int hidden, float[] mean, float[] scale, float[] w1, float[] b1, float[] w2,
            float[] b2) {
        int in = hidden == 0 ? dim : hidden;
        if (dim < 1 || hidden < 0 || mean.length != dim || scale.length != dim || w1.length != hidden * dim
                || b1.length != hidden || w2.length != TAGS * in || b2.length != TAGS) {
            throw new IllegalArgumentException("context model sizes do not agree");
        }
        this.recipe = recipe;
        this.firstStage = firstStage;
        this.dim = dim;
        this.hidden = hidden;
        this.mean = mean;
        this.scale = scale;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
    }

    /** How the model was made: command, sources with licences and SHA-256, settings. */
    public String recipe() {
        return recipe;
    }

    /** Tag probabilities of one raw (not yet standardised) feature row; {@code x} is overwritten. */
    float[] probabilities(float[] x) {
        for (int d = 0; d < dim; d++) {
            x[d] = (x[d] - mean[d]) * scale[d];
        }
        float[] in = x;
        if (hidden > 0) {
            in = new float[hidden];
            for (int h = 0; h < hidden; h++) {
                float s = b1[h];
                int row = h * dim;
                for (int d = 0; d < dim; d++) {
                    s += w1[row + d] * x[d];
                }
                in[h] = Math.max(0, s);
            }
        }
        int n = in.length;
        float[] p = new float[TAGS];
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < TAGS; t++) {
            float s = b2[t];
            int row = t * n;
            for (int d = 0; d < n; d++) {
                s += w2[row + d] * in[d];
            }
            p[t] = s;
            max = Math.max(max, s);
        }
        float sum = 0;
        for (int t = 0; t < TAGS; t++) {
            p[t] = (float) Math.exp(p[t] - max);
            sum += p[t];
        }
        for (int t = 0; t < TAGS; t++) {
            p[t] /= sum;
        }
        return p;
    }

    public void write(OutputStream out) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(out);
        DataOutputStream o = new DataOutputStream(gz);
        o.writeUTF(MAGIC);
        byte[] r = recipe.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        o.writeInt(r.length);
        o.write(r);
        o.writeBoolean(firstStage);
        o.writeInt(dim);
        o.writeInt(hidden);
        for (float[] a : new float[][] {mean, scale, w1, b1, w2, b2}) {
            for (float v : a) {
                o.writeFloat(v);
            }
        }
        o.flush();
        gz.finish();
    }

    /** Reads a model written by {@link #write}; the stream is not closed. */
    public static ContextModel read(InputStream in) throws IOException {
        DataInputStream i = new DataInputStream(new GZIPInputStream(in));
        if (!MAGIC.equals(i.readUTF())) {
            throw new IOException("not a bastion contextual PII model (expected " + MAGIC + ")");
        }
        byte[] r = new byte[i.readInt()];
        i.readFully(r);
        boolean firstStage = i.readBoolean();
        int dim = i.readInt();
        int hidden = i.readInt();
        int top = hidden == 0 ? dim : hidden;
        float[][] a = {new float[dim], new float[dim], new float[hidden * dim], new float[hidden],
            new float[TAGS * top], new float[TAGS]};
        for (float[] x : a) {
            for (int k = 0; k < x.length; k++) {
                x[k] = i.readFloat();
            }
        }
        return new ContextModel(new String(r, java.nio.charset.StandardCharsets.UTF_8), firstStage, dim,
                hidden, a[0], a[1], a[2],
                a[3], a[4], a[5]);
    }
}
