package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion redact} and {@code bastion restore}: personal data in text files or standard input, line by line
 * (bounded memory), rewritten by an operator: {@code redact} (removed), {@code tag} ({@code <EMAIL_ADDRESS>}),
 * {@code mask} (all but the last N characters become {@code *}), {@code hash} (keyed HMAC-SHA256, the key in the
 * data directory; equal values give equal hashes, nothing reverses them), {@code encrypt} (AES-256-GCM under a key
 * wrapped by the master key: {@code ENC<...>} tokens that {@code restore} turns back), {@code pseudonymise}
 * ({@code <PERSON_1>} surrogates, the same value always the same surrogate; the mapping goes to an encrypted vault
 * file that {@code restore --vault} reads).
 */
final class PiiCommands {
    private static final String SUBJECT = "pii-operator";
    private static final byte[] CONTEXT = "bastion pii operator v1".getBytes(StandardCharsets.UTF_8);

    private PiiCommands() {
    }

    /** Crypto for hash, encrypt and the vault, from the data directory's keys. */
    static final class Keys {
        final Envelope envelope;
        final byte[] wrapped;
        final KeyedHasher hasher;

        Keys(CommonOptions common) throws IOException {
            GatewayConfig config = common.load(Map.of()).config();
            Gateway.createPrivateDirectory(config.dataDir());
            Path dir = config.dataDir().resolve("keys");
            Gateway.createPrivateDirectory(dir);
            envelope = Envelope.open(config.conversations().masterKey(), System.getenv());
            Path wrappedFile = dir.resolve("pii-operator.key");
            if (!Files.exists(wrappedFile)) {
                KeyedHasher.writePrivately(wrappedFile, Base64.getEncoder().encodeToString(envelope.newWrappedKey(SUBJECT)));
            }
            wrapped = Base64.getDecoder().decode(Files.readString(wrappedFile).strip());
            hasher = KeyedHasher.loadOrCreate(dir.resolve("pii-hash.json"));
        }

        String encrypt(String value) {
            return "ENC<" + Base64.getUrlEncoder().withoutPadding().encodeToString(envelope.encrypt(wrapped, SUBJECT,
                    value.getBytes(StandardCharsets.UTF_8), CONTEXT)) + ">";
        }

        String decrypt(String token) throws GeneralSecurityException {
            return new String(envelope.decrypt(wrapped, SUBJECT, Base64.getUrlDecoder().decode(token), CONTEXT),
                    StandardCharsets.UTF_8);
        }
    }

    static BufferedReader open(Path input) throws IOException {
        return input == null || input.toString().equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8);
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

        @Option(names = "--vault", paramLabel = "FILE", description = "Where pseudonymise writes its encrypted mapping "
                + "(required for pseudonymise).")
        Path vault;

        @Override
        public Integer call() throws IOException {
            String op = operator.strip().toLowerCase(Locale.ROOT);
            if (!java.util.Set.of("redact", "tag", "mask", "hash", "encrypt", "pseudonymise", "pseudonymize").contains(op)) {
                throw new IllegalArgumentException("--operator is redact, tag, mask, hash, encrypt or pseudonymise");
            }
            if (op.startsWith("pseudonym") && vault == null) {
                throw new IllegalArgumentException("pseudonymise needs --vault FILE to keep the mapping for restore");
            }
            Keys keys = op.equals("hash") || op.equals("encrypt") || op.startsWith("pseudonym") ? new Keys(common) : null;
            PiiScanner scanner = PiiScanner.defaults();
            Map<String, String> surrogates = new LinkedHashMap<>(); // type + value -> surrogate
            Map<String, Integer> counters = new LinkedHashMap<>();
            int found = 0;
            try (BufferedReader in = open(input)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    StringBuilder out = new StringBuilder(line.length());
                    int pos = 0;
                    for (Recognizer.Candidate c : scanner.find(line)) {
                        String value = line.substring(c.start(), c.end());
                        out.append(line, pos, c.start());
                        out.append(switch (op) {
                            case "redact" -> "";
                            case "tag" -> "<" + c.type() + ">";
                            case "mask" -> "*".repeat(Math.max(0, value.length() - keepLast))
                                    + value.substring(Math.max(0, value.length() - keepLast));
                            case "hash" -> "<" + c.type() + ":" + HexFormat.of().formatHex(keys.hasher.hash(
                                    value.getBytes(StandardCharsets.UTF_8))).substring(0, 16) + ">";
                            case "encrypt" -> keys.encrypt(value);
                            default -> surrogates.computeIfAbsent(c.type() + "\u0000" + value,
                                    k -> "<" + c.type() + "_" + counters.merge(c.type(), 1, Integer::sum) + ">");
                        });
                        pos = c.end();
                        found++;
                    }
                    out.append(line, pos, line.length());
                    System.out.println(out);
                }
            }
            if (op.startsWith("pseudonym")) {
                ObjectNode map = Json.MAPPER.createObjectNode();
                surrogates.forEach((k, s) -> map.put(s, k.substring(k.indexOf('\u0000') + 1)));
                KeyedHasher.writePrivately(vault, keys.encrypt(map.toString()));
            }
            System.err.println("bastion: " + found + " value(s) rewritten with " + op);
            return 0;
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
        public Integer call() throws IOException, GeneralSecurityException {
            Keys keys = new Keys(common);
            Map<String, String> pseudonyms = new LinkedHashMap<>();
            if (vault != null) {
                String token = Files.readString(vault).strip();
                if (!token.startsWith("ENC<") || !token.endsWith(">")) {
                    throw new IllegalArgumentException(vault + " is not a Bastion pseudonym vault");
                }
                JsonNode map = Json.MAPPER.readTree(keys.decrypt(token.substring(4, token.length() - 1)));
                map.properties().forEach(e -> pseudonyms.put(e.getKey(), e.getValue().asText()));
            }
            try (BufferedReader in = open(input)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    StringBuilder out = new StringBuilder();
                    int pos = 0;
                    for (int at = line.indexOf('<', pos); at >= 0; at = line.indexOf('<', pos)) {
                        int close = line.indexOf('>', at);
                        if (close < 0) {
                            break;
                        }
                        String token = line.substring(at, close + 1);
                        String original = null;
                        if (at >= 3 && line.startsWith("ENC<", at - 3)) {
                            original = keys.decrypt(line.substring(at + 1, close));
                            out.append(line, pos, at - 3).append(original);
                        } else if (pseudonyms.containsKey(token)) {
                            original = pseudonyms.get(token);
                            out.append(line, pos, at).append(original);
                        } else {
                            out.append(line, pos, close + 1);
                        }
                        pos = close + 1;
                    }
                    out.append(line, pos, line.length());
                    System.out.println(out);
                }
            }
            return 0;
        }
    }
}
