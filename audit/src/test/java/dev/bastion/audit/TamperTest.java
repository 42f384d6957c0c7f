package dev.bastion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;

/** Any mutation of a checkpointed log (a flipped byte, a dropped, reordered or rewritten record, truncation) is detected. */
class TamperTest {
    enum Mutation { FLIP_BYTE, DROP_RECORD, SWAP_RECORDS, REWRITE_RECORD_WITH_VALID_CHECKSUM, TRUNCATE, DUPLICATE_RECORD }

    private final List<Path> dirs = new ArrayList<>();

    @AfterProperty
    void cleanUp() throws IOException {
        for (Path d : dirs) {
            try (Stream<Path> files = Files.walk(d)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        dirs.clear();
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Arbitraries.of(Mutation.class);
    }

    @Property(tries = 120)
    void anyMutationOfACheckpointedLogIsReported(@ForAll("mutations") Mutation mutation,
            @ForAll @IntRange(min = 2, max = 40) int records, @ForAll @IntRange(min = 0, max = 10_000) int where)
            throws Exception {
        Path dir = Files.createTempDirectory("audit-tamper");
        dirs.add(dir);
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("audit.key"), SigningKey.Algorithm.ED25519);
        Path logDir = dir.resolve("log");
        try (AuditLog log = AuditLog.open(logDir, key, "t", Clock.systemUTC(), 1_000_000)) {
            for (int i = 0; i < records; i++) {
                log.append(AuditLogTest.record(i)).get();
            }
        }
        assertThat(Verifier.verify(logDir, key.publicKeyX509(), Optional.empty()).ok()).isTrue();

        Path segment = Segments.file(logDir, 0);
        List<byte[]> frames = new ArrayList<>();
        for (Segments.Frame f : Segments.scan(logDir, 0).frames()) {
            frames.add(f.payload());
        }
        int i = where % records;
        int j = (i + 1 + where / records % (records - 1)) % records;
        switch (mutation) {
            case FLIP_BYTE -> {
                byte[] bytes = Files.readAllBytes(segment);
                bytes[where % bytes.length] ^= (byte) (1 << (where % 8));
                Files.write(segment, bytes);
            }
            case DROP_RECORD -> {
                frames.remove(i);
                rewrite(segment, frames);
            }
            case SWAP_RECORDS -> {
                byte[] a = frames.get(i);
                frames.set(i, frames.get(j));
                frames.set(j, a);
                rewrite(segment, frames);
            }
            case REWRITE_RECORD_WITH_VALID_CHECKSUM -> {
                frames.set(i, "{\"n\":-1,\"outcome\":\"forged\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                rewrite(segment, frames);
            }
            case TRUNCATE -> {
                long size = Files.size(segment);
                try (var ch = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(where % size);
                }
            }
            case DUPLICATE_RECORD -> {
                // Inside the signed range: a copy placed after the last record would be an ordinary append.
                int at = i % (records - 1);
                frames.add(at, frames.get(at));
                rewrite(segment, frames);
            }
        }
        Verifier.Report report = Verifier.verify(logDir, key.publicKeyX509(), Optional.empty());
        assertThat(report.ok()).as("%s at %d of %d records was not detected", mutation, where, records).isFalse();
    }

    private static void rewrite(Path segment, List<byte[]> frames) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(frames.stream().mapToInt(f -> f.length + Segments.HEADER).sum());
        for (byte[] f : frames) {
            all.put(Segments.frame(f));
        }
        Files.write(segment, all.array());
    }
}
