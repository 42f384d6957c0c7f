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
 * on disk so that evaluation runs do not embed the same texts again: one file, {@code embeddings.bin} in the cache
 * folder, of records (SHA-256 of the embedded text, 384 floats), appended to as new texts are embedded by the local
 * MiniLM model ({@link LocalEmbeddings}). As an encoder it only looks texts up: a text that was not embedded first
 * ({@link #embedAll}) is a bug and throws.
 */
final class InjectionEmbeddingCache {
    private static final int BATCH = 32;

    private final Path file;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();

    private InjectionEmbeddingCache(Path file) {
        this.file = file;
    }

    /** Reads the cache in {@code dir} (created if missing). */
    static InjectionEmbeddingCache open(Path dir) throws IOException {
        Files.createDirectories(dir);
        InjectionEmbeddingCache c = new InjectionEmbeddingCache(dir.resolve("embeddings.bin"));
        long record = 32 + 4L * SentenceEncoder.DIMENSIONS;
        if (Files.exists(c.file) && Files.size(c.file) % record != 0) {
            // A run stopped while appending: drop the partial record so that appends stay aligned.
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(c.file, StandardOpenOption.WRITE)) {
                ch.truncate(Files.size(c.file) / record * record);
            }
        }
        if (Files.exists(c.file)) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(c.file)))) {
                byte[] key = new byte[32];
                while (in.read(key, 0, 1) == 1) {
                    in.readFully(key, 1, 31);
                    float[] v = new float[SentenceEncoder.DIMENSIONS];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = in.readFloat();
                    }
                    c.vectors.put(HexFormat.of().formatHex(key), v);
                }
            }
        }
        return c;
    }

    /** Embeds (and appends to the file) the embedded part of every text not yet in the cache. */
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
        log.printf("embedding %d texts (cache %s)%n", missing.size(), file);
        LocalEmbeddings model = new LocalEmbeddings(BATCH);
        List<String> todo = new ArrayList<>(missing);
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)))) {
            for (int i = 0; i < todo.size(); i += BATCH) {
                List<String> batch = todo.subList(i, Math.min(todo.size(), i + BATCH));
                List<float[]> v = model.embed(batch).orElseThrow(() -> new IllegalStateException("embedding busy"))
                        .vectors();
                for (int j = 0; j < batch.size(); j++) {
                    String k = key(batch.get(j));
                    vectors.put(k, v.get(j));
                    out.write(HexFormat.of().parseHex(k));
                    for (float x : v.get(j)) {
                        out.writeFloat(x);
                    }
                }
            }
        }
    }

    /** The embedding of the embedded part of {@code text}, if it was embedded. */
    Optional<float[]> of(String text) {
        return Optional.ofNullable(vectors.get(key(InjectionScanner.embeddedPart(text))));
    }

    /** An encoder answering from the cache (texts passed are already cut by the scanner). */
    SentenceEncoder encoder() {
        return text -> {
            float[] v = vectors.get(key(text));
            if (v == null && !text.isBlank()) {
                throw new IllegalStateException("a text was scored before it was embedded");
            }
            return v;
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
