package dev.bastion.models.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a partial download was fetched from, kept beside it ({@code NAME.gguf.part.meta}) so the next run can ask for
 * the rest only if the server still has the same file: the URL, the server's ETag (empty if it sent none) and the
 * full length (-1 if unknown).
 */
record PartialState(URI url, String etag, long total) {
    PartialState {
        if (url == null || etag == null) {
            throw new IllegalArgumentException("url and etag are required (etag empty when absent)");
        }
    }

    static Path fileFor(Path partial) {
        return partial.resolveSibling(partial.getFileName() + ".meta");
    }

    /** The state of a partial download, or empty if there is none or it cannot be read (then it is restarted). */
    static Optional<PartialState> read(Path partial) {
        Path meta = fileFor(partial);
        if (!Files.isRegularFile(partial) || !Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
            return Optional.of(new PartialState(URI.create(p.getProperty("url", "")), p.getProperty("etag", ""),
                    Long.parseLong(p.getProperty("total", "-1"))));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Writes the state atomically (a crash leaves the old state or the new one, never half of one). */
    void write(Path partial) throws IOException {
        Properties p = new Properties();
        p.setProperty("url", url.toString());
        p.setProperty("etag", etag);
        p.setProperty("total", Long.toString(total));
        Path meta = fileFor(partial);
        Path tmp = meta.resolveSibling(meta.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "bastion model pull: partial download state");
        }
        Files.move(tmp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes a partial download and its state. */
    static void discard(Path partial) throws IOException {
        Files.deleteIfExists(partial);
        Files.deleteIfExists(fileFor(partial));
    }
}
