package dev.bastion.models.pull;

import dev.bastion.models.progress.Progress;
import dev.bastion.models.scan.ModelScanner;
import dev.bastion.models.scan.ScanReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads a model into a model directory so that only a file with the expected SHA-256 that passes the model
 * scan ever appears there. The bytes grow in {@code <modelDir>/.partial/NAME.gguf.part}; the next run continues
 * them with a Range request, and the hash is computed while streaming, over the resumed prefix too. Then the scan,
 * then one atomic move into the model directory and a {@code NAME.gguf.sha256} sidecar ({@code sha256sum} format).
 * Every failure is a {@link PullOutcome}; none throws. A pull holds a lock ({@code .partial/NAME.gguf.lock}) from
 * start to end, so a second pull of the same name at the same time fails at once instead of sharing the partial.
 */
public final class Puller {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = Sha256.BUFFER;

    private final HttpClient client;
    private final Progress progress;
    private final UnaryOperator<WritableByteChannel> writes;
    private final Duration idleTimeout;

    /** A puller that gives up on a connection after 60 seconds without data (the pull can then be resumed). */
    public Puller(HttpClient client, Progress progress) {
        this(client, progress, UnaryOperator.identity(), Duration.ofSeconds(60));
    }

    /** For tests: {@code writes} wraps the channel the download is written through (to make a disk fill up). */
    Puller(HttpClient client, Progress progress, UnaryOperator<WritableByteChannel> writes, Duration idleTimeout) {
        this.client = client;
        this.progress = progress;
        this.writes = writes;
        this.idleTimeout = idleTimeout;
    }

    /** HTTP/1.1 and 2, redirects followed (never from https down to http), a 30 second connect timeout. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    public PullOutcome pull(PullRequest r) {
        Path partial = r.partial();
        try {
            Files.createDirectories(partial.getParent());
            Path lockFile = partial.resolveSibling(r.name() + ".gguf.lock");
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = tryLock(lockChannel)) {
                if (lock == null) {
                    return new PullOutcome.Failed("another pull of " + r.name() + " is running (" + lockFile
                            + " is locked)", false);
                }
                return pullLocked(r, partial);
            }
        } catch (IOException e) {
            return new PullOutcome.Failed("cannot use the model directory " + r.modelDir() + ": " + e.getMessage(),
                    keptBytes(partial) > 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PullOutcome.Failed("interrupted", keptBytes(partial) > 0);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by another pull in this process
        }
    }

    private PullOutcome pullLocked(PullRequest r, Path partial) throws IOException, InterruptedException {
        if (Files.exists(r.target())) {
            String have = Sha256.of(r.target());
            if (have.equals(r.sha256())) {
                writeSidecar(r, have);
                return new PullOutcome.AlreadyPresent(r.target(), have);
            }
            return new PullOutcome.Failed(r.target() + " already exists with another SHA-256 (" + have
                    + "); remove it or pull under another --name", false);
        }
        return download(r, partial);
    }

    private PullOutcome download(PullRequest r, Path partial) throws IOException, InterruptedException {
        Optional<PartialState> state = PartialState.read(partial).filter(s -> s.url().equals(r.url()));
        if (state.isEmpty()) {
            PartialState.discard(partial); // bytes of unknown origin are never continued
        }
        long have = state.isPresent() ? Files.size(partial) : 0;
        long resumedFrom = have;
        if (state.isPresent() && state.get().total() > 0 && have == state.get().total()) {
            return finish(r, partial, have, resumedFrom); // a previous run got every byte and stopped before the move
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(r.url()).GET().timeout(Duration.ofSeconds(60))
                    .header("User-Agent", "bastion-model-pull");
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
                String etag = state.map(PartialState::etag).orElse("");
                if (!etag.isEmpty() && !etag.startsWith("W/")) {
                    req.header("If-Range", etag); // a changed file then comes back whole (200), never spliced
                }
            }
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                return new PullOutcome.Failed("cannot fetch " + r.url() + " (" + describe(e) + ")", have > 0);
            }
            try (InputStream body = resp.body()) {
                try {
                    PullRequest.checkScheme(resp.uri(), r.insecureAllowHttp());
                } catch (IllegalArgumentException e) {
                    return new PullOutcome.Failed("a redirect led to " + resp.uri() + ": " + e.getMessage(), have > 0);
                }
                String etag = resp.headers().firstValue("ETag").orElse("");
                int status = resp.statusCode();
                if (status == 206 && have > 0) {
                    Matcher m = CONTENT_RANGE.matcher(resp.headers().firstValue("Content-Range").orElse(""));
                    long total = m.matches() && !m.group(3).equals("*") ? Long.parseLong(m.group(3)) : -1;
                    long expectedTotal = state.map(PartialState::total).orElse(-1L);
                    String expectedEtag = state.map(PartialState::etag).orElse("");
                    boolean same = m.matches() && Long.parseLong(m.group(1)) == have
                            && (expectedTotal < 0 || total == expectedTotal)
                            && (expectedEtag.isEmpty() || etag.isEmpty() || etag.equals(expectedEtag));
                    if (!same) {
                        PartialState.discard(partial); // the file changed on the server: start again
                        have = 0;
                        resumedFrom = 0;
                        state = Optional.empty();
                        continue;
                    }
                    new PartialState(r.url(), etag.isEmpty() ? expectedEtag : etag, total).write(partial);
                    return stream(r, partial, body, have, total, resumedFrom);
                }
                if (status == 200) {
                    long total = resp.headers().firstValueAsLong("Content-Length").orElse(-1L);
                    PartialState.discard(partial); // a server that ignores Range (or a changed file): from byte 0
                    new PartialState(r.url(), etag, total).write(partial);
                    return stream(r, partial, body, 0, total, 0);
                }
                if (status == 416 && have > 0) {
                    PartialState.discard(partial); // our partial is longer than the file is now
                    have = 0;
                    resumedFrom = 0;
                    state = Optional.empty();
                    continue;
                }
                return new PullOutcome.Failed(httpError(status, r.url(), resp.uri()), keptBytes(partial) > 0);
            }
        }
        return new PullOutcome.Failed("the server at " + r.url() + " refused every range and restart", false);
    }

    private PullOutcome stream(PullRequest r, Path partial, InputStream body, long have, long total, long resumedFrom)
            throws IOException, InterruptedException {
        MessageDigest digest = Sha256.digest();
        long done = have;
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE); IdleWatchdog watchdog = IdleWatchdog.watch(body, idleTimeout)) {
            out.truncate(have);
            Sha256.update(digest, out, have);
            out.position(have);
            WritableByteChannel sink = writes.apply(out);
            progress.start(have, total);
            byte[] buf = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = body.read(buf);
                    watchdog.touch();
                } catch (IOException e) {
                    n = -2;
                    if (!watchdog.fired()) {
                        out.force(true);
                        progress.finish(done);
                        return new PullOutcome.Failed("the download from " + r.url().getHost() + " stopped after "
                                + done + (total > 0 ? " of " + total : "") + " bytes (" + describe(e) + ")", done > 0);
                    }
                }
                if (watchdog.fired()) {
                    out.force(true);
                    progress.finish(done);
                    return new PullOutcome.Failed("no data from " + r.url().getHost() + " for "
                            + idleTimeout.toMillis() + " ms after " + done + " bytes; gave up", done > 0);
                }
                if (n < 0) {
                    break;
                }
                try {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        sink.write(b);
                    }
                } catch (IOException e) {
                    out.truncate(done); // the bytes so far are whole; a half-written buffer is cut off
                    progress.finish(done);
                    return new PullOutcome.Failed("cannot write " + partial + " after " + done + " bytes ("
                            + describe(e) + "; is the disk full?)", done > 0);
                }
                digest.update(buf, 0, n);
                done += n;
                progress.advance(done);
            }
            out.force(true);
        }
        progress.finish(done);
        if (total > 0 && done != total) {
            return new PullOutcome.Failed("the server sent " + done + " of " + total + " bytes", done > 0);
        }
        return check(r, partial, HexFormat.of().formatHex(digest.digest()), done, resumedFrom);
    }

    /** A partial file that is already complete: hash it from disk, then the same checks. */
    private PullOutcome finish(PullRequest r, Path partial, long have, long resumedFrom) throws IOException {
        return check(r, partial, Sha256.of(partial), have, resumedFrom);
    }

    private PullOutcome check(PullRequest r, Path partial, String actual, long bytes, long resumedFrom)
            throws IOException {
        if (!actual.equals(r.sha256())) {
            PartialState.discard(partial);
            return new PullOutcome.HashMismatch(r.sha256(), actual, bytes);
        }
        ScanReport report = ModelScanner.scan(partial);
        String format = report.formats().getOrDefault(partial.getFileName().toString(), "unknown");
        if (!format.equals("gguf") || !report.safe()) {
            PartialState.discard(partial);
            return new PullOutcome.ScanRefused(format, report.findings());
        }
        Files.move(partial, r.target(), StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(PartialState.fileFor(partial));
        writeSidecar(r, actual);
        return new PullOutcome.Pulled(r.target(), actual, bytes, resumedFrom);
    }

    private static void writeSidecar(PullRequest r, String sha256) throws IOException {
        Path sidecar = sidecarFor(r.target());
        Path tmp = r.partial().resolveSibling(sidecar.getFileName() + ".tmp");
        Files.writeString(tmp, sha256 + "  " + r.target().getFileName() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code NAME.gguf.sha256} beside a model file. */
    public static Path sidecarFor(Path model) {
        return model.resolveSibling(model.getFileName() + ".sha256");
    }

    private static String httpError(int status, URI asked, URI answered) {
        String where = asked.equals(answered) ? asked.toString() : answered + " (redirected from " + asked + ")";
        String hint = switch (status) {
            case 301, 302, 303, 307, 308 -> ": a redirect that was not followed (from https down to plain http)";
            case 401, 403 -> ": access denied (a gated model needs its licence accepted and a token)";
            case 404 -> ": not found (check the URL or the catalogue name)";
            case 429 -> ": rate limited, try again later";
            default -> status >= 500 ? ": the server failed, try again later" : "";
        };
        return "HTTP " + status + " from " + where + hint;
    }

    private static long keptBytes(Path partial) {
        try {
            return Files.isRegularFile(partial) ? Files.size(partial) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
