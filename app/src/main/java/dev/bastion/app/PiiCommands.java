package dev.bastion.app;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.guard.pseudonym.Operator;
import dev.bastion.guard.pseudonym.PseudonymTable;
import dev.bastion.guard.pseudonym.Restorer;
import dev.bastion.guard.pseudonym.Sealer;
import dev.bastion.guard.pseudonym.Style;
import dev.bastion.guard.pseudonym.Surrogates;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion redact} and {@code bastion restore}: personal data in text files or standard input, line by line
 * (bounded memory), rewritten by one of the {@link Operator}s: {@code redact} (removed), {@code tag}
 * ({@code <EMAIL_ADDRESS>}), {@code mask} (all but the last N characters become {@code *}), {@code hash} (keyed
 * HMAC-SHA256, the key in the data directory; equal values give equal hashes, nothing reverses them), {@code encrypt}
 * (Tink AES-256-GCM under a data key wrapped by the master key, key id inside: {@code ENC<...>} tokens that
 * {@code restore} turns back), {@code pseudonymise} (surrogates, tags or with {@code --pseudonyms realistic} fake
 * values of the same format; the same value always gets the same surrogate, and the mapping goes to an encrypted
 * vault file that {@code restore --vault} reads; an existing vault is extended, so several files share surrogates).
 */
final class PiiCommands {
    private static final String SUBJECT = "pii-operator";
    private static final byte[] VAULT_CONTEXT = "bastion pseudonym vault file v1".getBytes(StandardCharsets.UTF_8);
    private static final String VAULT_PREFIX = "bastion-vault-v1:";

    private PiiCommands() {
    }

    /** Crypto for hash, encrypt and the vault, from the data directory's keys. */
    static final class Keys {
        final Sealer sealer;
        final KeyedHasher hasher;

        Keys(CommonOptions common) throws IOException {
            GatewayConfig config = common.load(Map.of()).config();
            Gateway.createPrivateDirectory(config.dataDir());
            Path dir = config.dataDir().resolve("keys");
            Gateway.createPrivateDirectory(dir);
            Envelope envelope = Envelope.open(config.conversations().masterKey(), System.getenv());
            Path wrappedFile = dir.resolve("pii-operator.key");
            if (!Files.exists(wrappedFile)) {
                KeyedHasher.writePrivately(wrappedFile, Base64.getEncoder().encodeToString(envelope.newWrappedKey(SUBJECT)));
            }
            sealer = Sealer.envelope(envelope, Base64.getDecoder().decode(Files.readString(wrappedFile).strip()), SUBJECT);
            hasher = KeyedHasher.loadOrCreate(dir.resolve("pii-hash.json"));
        }

        PseudonymTable readVault(Path vault) throws IOException {
            String text = Files.readString(vault).strip();
            if (!text.startsWith(VAULT_PREFIX)) {
                throw new IllegalArgumentException(vault + " is not a Bastion pseudonym vault (written by redact "
                        + "--operator pseudonymise --vault)");
            }
            try {
                return PseudonymTable.fromBytes(sealer.open(Base64.getDecoder().decode(text.substring(VAULT_PREFIX.length())),
                        VAULT_CONTEXT));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException(vault + " does not open with this data directory's keys (another "
                        + "--data-dir or master key?) or is damaged");
            }
        }

        void writeVault(Path vault, PseudonymTable table) throws IOException {
            KeyedHasher.writePrivately(vault, VAULT_PREFIX + Base64.getEncoder().encodeToString(
                    sealer.seal(table.toBytes(), VAULT_CONTEXT)) + "\n");
        }
    }

    static BufferedReader open(Path input) throws IOException {
        return input == null || input.toString().equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8);
    }

    static Writer stdout() {
        return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    }

    @Command(name = "redact", description = "Rewrite personal data in text (a file or -): redact, tag, mask, hash, "
            + "encrypt or pseudonymise.")
    static final class Redact implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "Input (default: standard input).")
        Path input;

        @Option(names = "--operator", defaultValue = "tag", description = "redact, tag (default), mask, hash, encrypt "
                + "or pseudonymise.")
        String operator;

        @Option(names = "--keep-last", defaultValue = "4", description = "Characters mask keeps (default 4).")
        int keepLast;

        @Option(names = "--pseudonyms", defaultValue = "tag", description = "With pseudonymise: tag (<PERSON_1>, the "
                + "default) or realistic (fake names, e-mails, phones, cards, IBANs of the same format).")
        String pseudonyms;

        @Option(names = "--pii-mode", defaultValue = "balanced", paramLabel = "MODE", description = "balanced (the "
                + "default; precision first) or recall (de-identification: lower thresholds, weaker names too).")
        String piiMode;

        @Option(names = "--vault", paramLabel = "FILE", description = "Where pseudonymise keeps its encrypted mapping "
                + "(required for pseudonymise; extended if it exists).")
        Path vault;

        @Override
        public Integer call() throws IOException {
            String op = operator.strip().toLowerCase(Locale.ROOT);
            if (!List.of("redact", "tag", "mask", "hash", "encrypt", "pseudonymise", "pseudonymize").contains(op)) {
                throw new IllegalArgumentException("--operator is redact, tag, mask, hash, encrypt or pseudonymise");
            }
            boolean pseudonymise = op.startsWith("pseudonym");
            if (pseudonymise && vault == null) {
                throw new IllegalArgumentException("pseudonymise needs --vault FILE to keep the mapping for restore");
            }
            Style style = Style.fromConfig(pseudonyms);
            PiiScanner scanner = PiiScanner.defaults(PiiMode.fromConfig(piiMode));
            Keys keys = op.equals("hash") || op.equals("encrypt") || pseudonymise ? new Keys(common) : null;
            PseudonymTable table = pseudonymise && Files.exists(vault) ? keys.readVault(vault) : new PseudonymTable();
            String[] currentLine = {""};
            Operator rewrite = switch (op) {
                case "redact" -> new Operator.Redact();
                case "tag" -> new Operator.Tag();
                case "mask" -> new Operator.Mask(keepLast);
                case "hash" -> new Operator.Hash(keys.hasher);
                case "encrypt" -> new Operator.Encrypt(keys.sealer);
                default -> new Operator.Pseudonymise(new Pseudonymizer(table, Surrogates.of(style),
                        candidate -> currentLine[0].toLowerCase(Locale.ROOT).contains(candidate.toLowerCase(Locale.ROOT))));
            };
            int found = 0;
            Writer out = stdout();
            try (BufferedReader in = open(input)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    currentLine[0] = line;
                    StringBuilder b = new StringBuilder(line.length());
                    int pos = 0;
                    for (Recognizer.Candidate c : scanner.find(line)) {
                        b.append(line, pos, c.start()).append(rewrite.apply(c.type(), line.substring(c.start(), c.end())));
                        pos = c.end();
                        found++;
                    }
                    out.write(b.append(line, pos, line.length()).append('\n').toString());
                }
            }
            out.flush();
            if (pseudonymise) {
                keys.writeVault(vault, table);
            }
            System.err.println("bastion: " + found + " value(s) rewritten with " + op);
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", description = "Turn encrypt tokens (ENC<...>) and pseudonyms (with --vault) back into "
            + "the original values.")
    static final class Restore implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "FILE", arity = "0..1")
        Path input;

        @Option(names = "--vault", paramLabel = "FILE", description = "The vault pseudonymise wrote.")
        Path vault;

        @Override
        public Integer call() throws IOException {
            Keys keys = new Keys(common);
            PseudonymTable table = vault == null ? new PseudonymTable() : keys.readVault(vault);
            Operator.Encrypt encrypt = new Operator.Encrypt(keys.sealer);
            int unopened = 0;
            Writer out = stdout();
            try (BufferedReader in = open(input)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String restored = Restorer.restore(table, line, Restorer.Escaping.NONE);
                    StringBuilder b = new StringBuilder(restored.length());
                    int pos = 0;
                    for (int at = restored.indexOf("ENC<"); at >= 0; at = restored.indexOf("ENC<", pos)) {
                        int close = restored.indexOf('>', at);
                        if (close < 0) {
                            break;
                        }
                        var original = encrypt.decrypt(restored.substring(at + 4, close));
                        if (original.isEmpty()) {
                            unopened++;
                        }
                        b.append(restored, pos, at).append(original.orElse(restored.substring(at, close + 1)));
                        pos = close + 1;
                    }
                    out.write(b.append(restored, pos, restored.length()).append('\n').toString());
                }
            }
            out.flush();
            if (unopened > 0) {
                System.err.println("bastion: " + unopened + " ENC<...> token(s) did not open with this data directory's "
                        + "key and were left as they are");
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }
    }
}
