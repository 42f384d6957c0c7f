package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.SigningKey;
import dev.bastion.gateway.api.Json;
import dev.bastion.privacy.ledger.Charge;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.privacy.ledger.PrivacyLedger;
import dev.bastion.privacy.synth.Synthesizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * The signed record of a synthetic-data release: what was run (method, ε, δ, ρ, seed, the mechanisms in order and
 * AIM's rounds), what was measured (every noisy marginal with its noise), the public domain's source and the DP bin edges, the ledger charge that paid for
 * it, and the SHA-256 of the CSV written. The record is signed as its compact JSON text, with the release key in the
 * data directory ({@code keys/release-signing.key}, the audit log's algorithm); the file holds
 * {@code {"record": ..., "signature": {"algorithm", "key_id", "value"}}}. No cell of the data is in the record.
 */
final class SynthRelease {
    static final String TYPE = "bastion.synth.release/v1";

    private SynthRelease() {
    }

    static ObjectNode record(Synthesizer.Synthesis s, String domainSource, OptionalLong seed, LedgerId ledger,
            Charge charge, PrivacyLedger.Status after, Path out, Instant now) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("type", TYPE);
        r.put("created", now.toString());
        r.put("method", s.plan().method().label());
        r.put("epsilon", s.plan().epsilon());
        r.put("delta", s.plan().delta());
        r.put("rho", s.plan().rho());
        if (seed.isPresent()) {
            r.put("seed", seed.getAsLong());
            r.put("noise", "insecure-seeded (reproducible; not fit for a real release)");
        } else {
            r.putNull("seed");
            r.put("noise", "secure");
        }
        r.put("rows", s.rows().size());
        ArrayNode columns = r.putArray("columns");
        s.columns().forEach(columns::add);
        r.put("domain", domainSource);
        ObjectNode bins = r.putObject("bins");
        for (int c = 0; c < s.columns().size(); c++) {
            double[] e = s.numericEdges().get(c);
            if (e.length > 0) {
                ArrayNode a = bins.putArray(s.columns().get(c));
                for (double v : e) {
                    a.add(v);
                }
            }
        }
        ArrayNode mechanisms = r.putArray("mechanisms");
        s.events().forEach(e -> mechanisms.add(e.describe()));
        if (s.rounds() > 0) {
            r.put("rounds", s.rounds());
        }
        ArrayNode tree = r.putArray("tree");
        s.tree().forEach(e -> e.forEach(tree.addArray()::add));
        ArrayNode marginals = r.putArray("marginals");
        for (Synthesizer.Measurement m : s.measured()) {
            ObjectNode o = marginals.addObject();
            ArrayNode cols = o.putArray("columns");
            m.columns().forEach(cols::add);
            o.put("noise_multiplier", m.noiseMultiplier());
            o.put("cells", m.cells());
        }
        ObjectNode l = r.putObject("ledger");
        l.put("dataset", ledger.dataset());
        l.put("privacy_unit", ledger.privacyUnit());
        l.put("charge", charge.sequence());
        l.put("event_id", ledger.dataset() + "/" + ledger.privacyUnit() + "#" + charge.sequence());
        l.put("events", DpCommand.describe(charge.events()));
        l.put("spent_epsilon_after", after.spent().epsilon());
        l.put("accountant", after.spent().accountant());
        ObjectNode o = r.putObject("output");
        o.put("file", out.getFileName().toString());
        o.put("sha256", sha256(out));
        return r;
    }

    static ObjectNode sign(ObjectNode record, SigningKey key) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsString(record).getBytes(StandardCharsets.UTF_8);
        ObjectNode signed = Json.MAPPER.createObjectNode();
        signed.set("record", record);
        ObjectNode sig = signed.putObject("signature");
        sig.put("algorithm", key.algorithm().configName());
        sig.put("key_id", key.keyId());
        sig.put("value", Base64.getEncoder().encodeToString(key.sign(bytes)));
        return signed;
    }

    /** Whether {@code signed} (as {@link #sign} wrote it) verifies with the public key {@code publicKeyX509}. */
    static boolean verify(JsonNode signed, byte[] publicKeyX509) throws IOException {
        JsonNode sig = signed.get("signature");
        if (sig == null || signed.get("record") == null) {
            return false;
        }
        byte[] bytes = Json.MAPPER.writeValueAsString(signed.get("record")).getBytes(StandardCharsets.UTF_8);
        return SigningKey.keyIdOf(publicKeyX509).equals(sig.path("key_id").asText())
                && SigningKey.verify(SigningKey.Algorithm.fromName(sig.path("algorithm").asText()), publicKeyX509,
                        bytes, Base64.getDecoder().decode(sig.path("value").asText()));
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
