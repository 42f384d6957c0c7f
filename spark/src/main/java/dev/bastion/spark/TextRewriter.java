package dev.bastion.spark;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.guard.pseudonym.Operator;
import dev.bastion.guard.pseudonym.Sealer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guard's pii scanner and one operator, applied to a text exactly as {@code bastion redact} applies them to a
 * line: each candidate the scanner finds, in order, is replaced by what the operator returns for it.
 *
 * <p>{@code pseudonymise} is the keyed {@link Operator.Hash} ({@code <TYPE:16 hex digits>}, an HMAC-SHA256 of the
 * value under the job's key), which makes the same surrogate for the same value in every partition and every
 * executor with no table to share; the job also writes each surrogate's sealed original to the {@link Vault}, which
 * is what {@code bastion redact --operator hash} does not keep. The two therefore print the same text.
 *
 * <p>One instance per executor JVM and spec ({@link #forSpec}); thread-safe (the scanner, the hasher and the sealer
 * are).
 */
final class TextRewriter {
    private static final Map<RewriteSpec, TextRewriter> PER_JVM = new ConcurrentHashMap<>();
    static final String VAULT_SUBJECT = "spark-vault";

    /** A value found, with what replaced it. */
    interface Sink {
        void found(String type, String value, String replacement);
    }

    private final PiiScanner scanner;
    private final Operator operator;
    private final KeyedHasher hasher;
    private final Sealer sealer;

    private TextRewriter(RewriteSpec spec) {
        scanner = PiiScanner.defaults(spec.mode());
        hasher = spec.hashKey().isEmpty() ? null : KeyedHasher.loadOrCreate(existing(spec.hashKey(), "keyed-hash keyset"));
        operator = switch (spec.operator()) {
            case "redact" -> new Operator.Redact();
            case "tag" -> new Operator.Tag();
            case "mask" -> new Operator.Mask(spec.keepLast());
            default -> new Operator.Hash(hasher);
        };
        if (spec.pseudonymise()) {
            Envelope envelope = Envelope.open(new Envelope.MasterKeySource.File(existing(spec.masterKey(), "master key")),
                    Map.of());
            sealer = Sealer.portable(envelope, envelope.newWrappedKey(VAULT_SUBJECT), VAULT_SUBJECT);
        } else {
            sealer = null;
        }
    }

    /** The rewriter of this JVM for {@code spec}, made on first use (loading the scanner's models once). */
    static TextRewriter forSpec(RewriteSpec spec) {
        return PER_JVM.computeIfAbsent(spec, TextRewriter::new);
    }

    /** An executor never creates a key: a missing file would otherwise become a new key that nobody else holds. */
    private static Path existing(String file, String what) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("the " + what + " " + file + " is not readable on this executor; put it on "
                    + "a path every executor reads, or ship it with spark-submit --files");
        }
        return p;
    }

    /** {@code text} with every value found replaced, each reported to {@code sink}. */
    String rewrite(String text, Sink sink) {
        StringBuilder b = null;
        int pos = 0;
        for (Recognizer.Candidate c : scanner.find(text)) {
            if (b == null) {
                b = new StringBuilder(text.length() + 32);
            }
            String value = text.substring(c.start(), c.end());
            String replacement = operator.apply(c.type(), value);
            b.append(text, pos, c.start()).append(replacement);
            pos = c.end();
            sink.found(c.type(), value, replacement);
        }
        return b == null ? text : b.append(text, pos, text.length()).toString();
    }

    /** The full keyed hash of {@code value}, hex: the vault's key for it (the surrogate holds its first 64 bits). */
    String valueMac(String value) {
        return java.util.HexFormat.of().formatHex(Objects.requireNonNull(hasher, "no keyed hash for this operator")
                .hash(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code value} sealed for the vault row of {@code surrogate} (bound to it: a row moved to another surrogate does not open). */
    byte[] seal(String surrogate, String value) {
        return sealer.seal(value.getBytes(StandardCharsets.UTF_8), Vault.context(surrogate));
    }
}
