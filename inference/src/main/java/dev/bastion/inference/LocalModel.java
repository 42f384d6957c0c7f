package dev.bastion.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * A GGUF model loaded for generation: the file's mapping, its tokenizer and chat template (none for a base model,
 * which only continues text), and a fixed number of sequence slots (each with its own key/value cache) behind a bounded, fair queue. With more than one slot,
 * the concurrent sequences' forward passes run together in shared steps (continuous batching, {@link Batcher}).
 *
 * <p>{@link #generate} blocks the calling (virtual) thread until a slot is free; when {@code queueDepth} callers
 * are already waiting it fails at once with {@link EngineBusyException}. Waiters are served first come, first
 * served. A slot keeps the tokens of its last sequence, so a follow-up request in the same conversation only
 * processes its new suffix. This class is thread-safe.
 */
public final class LocalModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalModel.class.getName());

    /**
     * @param contextSize tokens of prompt plus answer one sequence holds (at most the model's own context)
     * @param slots sequences generated at the same time; with more than one, their forward passes are batched
     *     into shared steps ({@link Batcher})
     * @param queueDepth requests that may wait for a slot before new ones are refused
     * @param cacheType how each slot's key/value cache stores its numbers
     * @param weightCache the directory of the cache of rebuilt weight layouts ({@link WeightCache}: made on the
     *     first load of a model, mapped on later ones, about the model's size on disk), or empty to rebuild the
     *     layouts in memory on every load
     */
    public record Options(int contextSize, int slots, int queueDepth, KvCacheType cacheType,
            Optional<Path> weightCache) {
        public Options {
            if (contextSize <= 0 || slots <= 0 || queueDepth < 0) {
                throw new IllegalArgumentException("context size and slots must be positive and the queue depth not "
                        + "negative: " + contextSize + ", " + slots + ", " + queueDepth);
            }
            java.util.Objects.requireNonNull(cacheType, "cacheType");
            java.util.Objects.requireNonNull(weightCache, "weightCache");
        }

        /** Options without a weight cache. */
        public Options(int contextSize, int slots, int queueDepth, KvCacheType cacheType) {
            this(contextSize, slots, queueDepth, cacheType, Optional.empty());
        }

        /** These options with the weight cache in {@code dir}. */
        public Options withWeightCache(Path dir) {
            return new Options(contextSize, slots, queueDepth, cacheType, Optional.of(dir));
        }

        /** Options with an F32 key/value cache. */
        public Options(int contextSize, int slots, int queueDepth) {
            this(contextSize, slots, queueDepth, KvCacheType.F32);
        }
    }

    /** Receives generated text as it becomes final; returns false to stop the generation. */
    @FunctionalInterface
    public interface TextSink {
        boolean accept(String text);
    }

    private final GgufFile file;
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final Optional<ChatTemplate> template;
    private final String noTemplateReason;
    private final Transformer transformer;
    private final Batcher batcher; // null with one slot: its forward passes run on the caller's thread
    private final int contextSize;
    private final List<Slot> slots;
    private final BlockingQueue<Slot> free;
    private final Semaphore admission;
    private final int capacity;

    private LocalModel(GgufFile file, ModelConfig config, Vocabulary vocabulary, Options options) throws GgufFormatException {
        this.file = file;
        this.config = config;
        this.vocabulary = vocabulary;
        this.tokenizer = Tokenizer.of(vocabulary);
        Optional<String> jinja = file.metadata().string("tokenizer.chat_template");
        this.template = ChatTemplate.find(config.architecture(), jinja, config.vocabularySize());
        this.noTemplateReason = ChatTemplate.unknownReason(config.architecture(), jinja, config.vocabularySize());
        this.contextSize = Math.min(options.contextSize(), config.contextLength());
        this.transformer = new Transformer(config, weights(file, config, options.weightCache()), contextSize);
        this.free = new ArrayBlockingQueue<>(options.slots(), true);
        List<Slot> all = new java.util.ArrayList<>();
        for (int i = 0; i < options.slots(); i++) {
            all.add(new Slot(transformer.newSequence(contextSize, options.cacheType())));
        }
        this.slots = List.copyOf(all);
        free.addAll(slots);
        this.batcher = options.slots() > 1 ? new Batcher(transformer, "bastion-batch-" + config.architecture(),
                Math.min(options.slots(), Transformer.MAX_BATCH)) : null;
        this.capacity = options.slots() + options.queueDepth();
        this.admission = new Semaphore(capacity, true);
    }

    /** The weights, through the cache in {@code cacheDir} if there is one; the cache's troubles are logged, not thrown. */
    private static Weights weights(GgufFile file, ModelConfig config, Optional<Path> cacheDir) throws GgufFormatException {
        if (cacheDir.isEmpty()) {
            return Weights.load(file, config);
        }
        WeightCache.Loaded loaded = new WeightCache(cacheDir.get()).load(file, config);
        switch (loaded.outcome()) {
            case WeightCache.Outcome.Used u -> {
            }
            case WeightCache.Outcome.Built b -> b.replaced().ifPresentOrElse(
                    why -> LOG.log(System.Logger.Level.WARNING, "the weight cache " + b.cache() + " was not used ("
                            + why + "); it was rebuilt"),
                    () -> LOG.log(System.Logger.Level.INFO, "wrote the weight cache " + b.cache()));
            case WeightCache.Outcome.NotUsed n -> LOG.log(System.Logger.Level.WARNING,
                    "no weight cache for " + file.path().getFileName() + ": " + n.reason()
                            + "; the weights were rebuilt in memory");
        }
        return loaded.weights();
    }

    /**
     * Deletes the weight cache in {@code dir} (every model's).
     *
     * @return the bytes freed
     * @throws IOException if a file cannot be deleted
     */
    public static long clearWeightCache(Path dir) throws IOException {
        return WeightCache.clear(dir);
    }

    /**
     * Maps and checks {@code path}, reads its configuration and tokenizer, and allocates the slots' caches.
     *
     * @throws GgufFormatException if the file is malformed, of an unsupported architecture or tensor type, or its
     *     metadata and tensors disagree
     */
    public static LocalModel load(Path path, Options options) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            ModelConfig config = ModelConfig.from(file);
            Vocabulary vocabulary = GgufVocabulary.read(file.metadata());
            if (vocabulary.tokens().size() != config.vocabularySize()) {
                throw new GgufFormatException("the tokenizer has " + vocabulary.tokens().size()
                        + " tokens but token_embd.weight has " + config.vocabularySize() + " rows");
            }
            return new LocalModel(file, config, vocabulary, options);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * As {@link #load}, and warms the JIT up on a tiny model of the same shape and tensor types
     * ({@link KernelWarmup}) while the tokenizer and the weights are read on a thread of their own, so that a fresh
     * process reaches its first token sooner. For the one-shot commands (generate, chat); returns once both are done.
     * The warm-up runs on the calling thread, the one that then runs the prompt: the kernels' first calls on a
     * thread (their thread-local buffers made) are then part of the warm-up's profile, and the compiled kernels do
     * not fall back to the interpreter at the prompt's first call on this thread.
     *
     * @throws GgufFormatException as {@link #load}
     */
    public static LocalModel loadWarmed(Path path, Options options) throws IOException {
        GgufFile file = GgufFile.open(path);
        ModelConfig config;
        try {
            config = ModelConfig.from(file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        LocalModel[] loaded = new LocalModel[1];
        Throwable[] loadFailure = new Throwable[1];
        Thread load = Thread.ofPlatform().name("bastion-load").start(() -> {
            try {
                Vocabulary vocabulary = GgufVocabulary.read(file.metadata());
                if (vocabulary.tokens().size() != config.vocabularySize()) {
                    throw new GgufFormatException("the tokenizer has " + vocabulary.tokens().size()
                            + " tokens but token_embd.weight has " + config.vocabularySize() + " rows");
                }
                loaded[0] = new LocalModel(file, config, vocabulary, options);
            } catch (Throwable e) {
                loadFailure[0] = e;
            }
        });
        Throwable warmFailure = null;
        try {
            // a model narrower than the tiny one runs fast enough cold: no warm-up
            if (KernelWarmup.fits(config)) {
                KernelWarmup.run(file, config, options.cacheType(), WARMUP_ROUNDS);
            }
        } catch (Throwable e) {
            warmFailure = e;
        } finally {
            awaitUninterruptibly(load); // the warm-up reads the file's tensor list: both end before the file may close
        }
        switch (loadFailure[0]) {
            case null -> {
            }
            case IOException e -> {
                file.close();
                throw e;
            }
            case RuntimeException e -> {
                file.close();
                throw e;
            }
            case Error e -> {
                file.close();
                throw e;
            }
            default -> {
                file.close();
                throw new IllegalStateException("loading the model failed", loadFailure[0]);
            }
        }
        LocalModel model = loaded[0];
        switch (warmFailure) {
            case null -> {
                return model;
            }
            case GgufFormatException e -> { // the file's own words, as load would say them
                model.close();
                throw e;
            }
            case RuntimeException e -> {
                model.close();
                throw e;
            }
            default -> {
                model.close();
                throw new IllegalStateException("the kernel warm-up failed", warmFailure);
            }
        }
    }

    private static void awaitUninterruptibly(Thread thread) {
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rounds of {@link KernelWarmup} in {@link #loadWarmed}: enough for C2 to compile the kernels of both paths. */
    static final int WARMUP_ROUNDS = 8;

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The model's chat template; empty for a base model, which {@link #chatPrompt} refuses. */
    public Optional<ChatTemplate> chatTemplate() {
        return template;
    }

    /** The forward pass, for tests that step through it. */
    Transformer transformer() {
        return transformer;
    }

    /**
     * A new sequence of at most {@code capacity} tokens (capped at the context size) that scores text token by
     * token; it has its own cache and does not wait for a generation slot. For memorisation probes.
     */
    public TokenStepper stepper(int capacity) {
        return new TokenStepper(transformer, Math.min(capacity, contextSize));
    }

    /** Tokens one sequence (prompt plus answer) may hold. */
    public int contextSize() {
        return contextSize;
    }

    /**
     * The prompt tokens for a chat, rendered by the model's template; message contents cannot inject control tokens.
     *
     * @throws NoChatTemplateException when the model has no chat template (a base model)
     * @throws IllegalArgumentException when the messages do not fit the template (see {@link ChatTemplate#render})
     */
    public int[] chatPrompt(List<ChatMessage> messages) {
        return requireChatTemplate().encodeChat(tokenizer, messages, true);
    }

    /**
     * The model's chat template, for callers that refuse a chat before it starts.
     *
     * @throws NoChatTemplateException when the model has none, saying why
     */
    public ChatTemplate requireChatTemplate() {
        return template.orElseThrow(() -> new NoChatTemplateException(noTemplateReason));
    }

    /** The prompt tokens for raw text: the beginning-of-text token when the model wants one, then the text. */
    public int[] rawPrompt(String text) {
        int[] body = tokenizer.encode(text);
        if (!vocabulary.addBos()) {
            return body;
        }
        int[] out = new int[body.length + 1];
        out[0] = vocabulary.bos();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /**
     * Generates a continuation of {@code prompt}, calling {@code sink} with each piece of text as it becomes
     * final (never a part of a stop sequence, never half a UTF-8 character). The text continues the prompt's: it
     * is what decoding prompt and answer together adds to the prompt's own text, so a SentencePiece answer keeps
     * the space before its first word when the prompt ends in text (" named Lily" after "The little girl").
     *
     * @throws EngineBusyException if the queue is full
     * @throws ContextOverflowException if the prompt does not fit the context
     * @throws InterruptedException if the thread is interrupted while waiting for a slot
     */
    public Completion generate(int[] prompt, GenerationRequest request, TextSink sink)
            throws EngineBusyException, InterruptedException {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (prompt.length >= contextSize) {
            throw new ContextOverflowException(prompt.length, contextSize);
        }
        if (!admission.tryAcquire()) {
            throw new EngineBusyException("the local model is busy: every slot and the whole queue are taken");
        }
        try {
            Slot slot = free.take();
            try {
                return slot.run(prompt, request, sink);
            } finally {
                free.add(slot);
            }
        } finally {
            admission.release();
        }
    }

    /** Requests waiting for or holding a slot now. */
    public int inFlight() {
        return capacity - admission.availablePermits();
    }

    /** Bytes the key/value caches of all slots hold. */
    public long cacheBytes() {
        long sum = 0;
        for (Slot slot : slots) {
            sum += slot.sequence.cache.bytes();
        }
        return sum;
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        file.close();
    }

    /** Shared steps run so far and rows run in them, {@code {steps, rows}}; zeros with one slot (harnesses). */
    long[] stepCounts() {
        return batcher == null ? new long[2] : batcher.stepCounts();
    }

    private void forward(Transformer.Sequence s, int[] tokens, int from, int n, float[] logits) {
        if (batcher == null) {
            transformer.forward(s, tokens, from, n, logits);
        } else {
            batcher.forward(s, tokens, from, n, logits);
        }
    }

    /**
     * One sequence slot: a cache, the tokens it holds, and the logits after the last prompt it ran. Used by one
     * thread at a time.
     *
     * <p>The same prompt sent again reuses those logits instead of running its last token once more: a single-token
     * pass does not round exactly like the batched pass that first produced them, and at a near tie that changed
     * the greedy answer, so two identical requests at temperature 0 could differ.
     */
    private final class Slot {
        private final Transformer.Sequence sequence;
        private int[] cached = new int[0];
        private int[] lastPrompt = new int[0];
        private float[] lastPromptLogits = new float[0];

        Slot(Transformer.Sequence sequence) {
            this.sequence = sequence;
        }

        Completion run(int[] prompt, GenerationRequest request, TextSink sink) {
            long t0 = System.nanoTime();
            int reuse = commonPrefix(cached, prompt);
            boolean samePrompt = reuse == prompt.length && java.util.Arrays.equals(prompt, lastPrompt);
            if (reuse == prompt.length && !samePrompt) {
                reuse--; // the last prompt token must run again to give the first logits
            }
            sequence.cache.truncate(Math.min(reuse, sequence.cache.length()));
            reuse = sequence.cache.length();
            int[] tokens = new int[contextSize];
            System.arraycopy(prompt, 0, tokens, 0, prompt.length);
            int length = prompt.length;
            cached = new int[0]; // invalid while running; set again when done
            float[] logits;
            if (samePrompt) {
                logits = lastPromptLogits.clone();
            } else {
                logits = new float[config.vocabularySize()];
                forward(sequence, tokens, reuse, prompt.length - reuse, logits);
                lastPrompt = prompt.clone();
                lastPromptLogits = logits.clone();
            }
            long t1 = System.nanoTime();
            Sampler sampler = new Sampler(request.sampling());
            TokenTextDecoder decoder = TokenTextDecoder.continuing(tokenizer, prompt);
            StopMatcher stops = new StopMatcher(request.stop());
            StringBuilder text = new StringBuilder();
            Predicate<String> emit = piece -> {
                if (piece.isEmpty()) {
                    return true;
                }
                text.append(piece);
                return sink.accept(piece);
            };
            var end = vocabulary.endOfGenerationTokens();
            Completion.FinishReason finish = Completion.FinishReason.LENGTH;
            int generated = 0;
            while (generated < request.maxTokens()) {
                int next = sampler.sample(logits, tokens, length);
                if (end.contains(next)) {
                    finish = Completion.FinishReason.STOP;
                    break;
                }
                generated++;
                tokens[length++] = next;
                if (!emit.test(stops.push(decoder.push(next)))) {
                    finish = Completion.FinishReason.CANCELLED;
                    break;
                }
                if (stops.stopped()) {
                    finish = Completion.FinishReason.STOP;
                    break;
                }
                if (generated == request.maxTokens() || length >= contextSize) {
                    break;
                }
                forward(sequence, tokens, length - 1, 1, logits);
            }
            if (finish != Completion.FinishReason.CANCELLED && !stops.stopped()) {
                emit.test(stops.push(decoder.flush()));
                emit.test(stops.flush());
                if (stops.stopped()) { // the decoder's last bytes completed a stop sequence
                    finish = Completion.FinishReason.STOP;
                }
            }
            cached = java.util.Arrays.copyOf(tokens, sequence.cache.length());
            long t2 = System.nanoTime();
            return new Completion(text.toString(), prompt.length, generated, finish, reuse, t1 - t0, t2 - t1,
                    finish == Completion.FinishReason.STOP ? stops.matched().orElse("") : "");
        }
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
