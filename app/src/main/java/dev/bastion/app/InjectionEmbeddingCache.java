package dev.bastion.app;

import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.injection.SentenceEncoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sentence embeddings of the texts the injection embedding stage sees ({@link InjectionScanner#embeddedPart}), kept
 * on disk so that evaluation runs do not embed the same texts again: files {@code embeddings*.bin} in the cache
 * folder, of records (SHA-256 of the embedded text, 384 floats), embedded by the local MiniLM model
 * ({@link LocalEmbeddings}). {@link #embedAll} embeds a list up front (in {@value #WORKERS} threads); a text the
 * encoder is asked for and does not find is embedded then (round twelve: the scanner embeds only texts in its cascade
 * band, so most held-out texts never need one). Each process appends to its own file, {@code embeddings-PID.bin}
 * (records of two processes appending to one file would interleave); every file of the folder is read when opened.
 */
final class InjectionEmbeddingCache {
    private static final int BATCH = 32;
    /** Threads embedding at once in {@link #embedAll}, each with its own model session. */
    static final int WORKERS = 3;
    private static final long RECORD = 32 + 4L * SentenceEncoder.DIMENSIONS;

    private final Path file;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
    private LocalEmbeddings lazyModel;
    private DataOutputStream lazyOut;

    private InjectionEmbeddingCache(Path file) {
        this.file = file;
    }

    /** Reads every cache file in {@code dir} (created if missing); this process appends to its own. */
    static InjectionEmbeddingCache open(Path dir) throws IOException {
        Files.createDirectories(dir);
        InjectionEmbeddingCache c = new InjectionEmbeddingCache(dir.resolve("embeddings-" + ProcessHandle.current().pid()
                + ".bin"));
        List<Path> files;
        try (java.util.stream.Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("embeddings.*\\.bin")).sorted().toList();
        }
        for (Path f : files) {
            c.read(f);
        }
        return c;
    }

    private void read(Path f) throws IOException {
        long whole = Files.size(f) / RECORD; // a run stopped while appending leaves a partial record: ignored
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f)))) {
            byte[] key = new byte[32];
            for (long r = 0; r < whole; r++) {
                in.readFully(key);
                float[] v = new float[SentenceEncoder.DIMENSIONS];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readFloat();
                }
                vectors.put(HexFormat.of().formatHex(key), v);
            }
        }
    }

    /** Embeds (and appends to this process's file) the embedded part of every text not yet in the cache. */
    void embedAll(List<String> texts, PrintStream log) throws IOException {
        LinkedHashSet<String> missing = new LinkedHashSet<>();
        for (String t : texts) {
            String part = InjectionScanner.embeddedPart(t);
            if (!part.isBlank() && !vectors.containsKey(key(part))) {
                missing.add(part);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        log.printf("embedding %d texts (cache %s, %d threads)%n", missing.size(), file, WORKERS);
        List<String> todo = new ArrayList<>(missing);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)));
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WORKERS)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                done.add(pool.submit(() -> {
                    LocalEmbeddings model = new LocalEmbeddings(BATCH);
                    for (int i = next.getAndAdd(BATCH); i < todo.size(); i = next.getAndAdd(BATCH)) {
                        List<String> batch = todo.subList(i, Math.min(todo.size(), i + BATCH));
                        List<float[]> v = model.embed(batch).orElseThrow(() -> new IllegalStateException(
                                "embedding busy")).vectors();
                        synchronized (out) {
                            for (int j = 0; j < batch.size(); j++) {
                                append(out, batch.get(j), v.get(j));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while embedding", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("embedding failed", e.getCause());
                }
            }
        }
    }

    private void append(DataOutputStream out, String part, float[] v) throws IOException {
        String k = key(part);
        vectors.put(k, v);
        out.write(HexFormat.of().parseHex(k));
        for (float x : v) {
            out.writeFloat(x);
        }
    }

    /** Embeds one text the cache lacks now, and appends it to this process's file. */
    private synchronized float[] embedNow(String part) {
        float[] v = vectors.get(key(part));
        if (v != null) {
            return v;
        }
        try {
            if (lazyModel == null) {
                lazyModel = new LocalEmbeddings(BATCH);
                lazyOut = new DataOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND));
            }
            v = lazyModel.embed(List.of(part)).orElseThrow(() -> new IllegalStateException("embedding busy"))
                    .vectors().getFirst();
            append(lazyOut, part, v);
            lazyOut.flush();
            return v;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot append to the embedding cache " + file, e);
        }
    }

    /** The embedding of the embedded part of {@code text}, if it was embedded. */
    Optional<float[]> of(String text) {
        return Optional.ofNullable(vectors.get(key(InjectionScanner.embeddedPart(text))));
    }

    /** An encoder answering from the cache, embedding a text it lacks (texts passed are already cut by the scanner). */
    SentenceEncoder encoder() {
        return text -> {
            float[] v = vectors.get(key(text));
            return v != null || text.isBlank() ? v : embedNow(text);
        };
    }

    private static String key(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
