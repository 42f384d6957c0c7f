package dev.bastion.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.AuditLog;
import dev.bastion.audit.Checkpoint;
import dev.bastion.gateway.api.Json;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The audit log: records filtered and paged newest first, and the data a browser needs to check them itself
 * (RFC 9162 inclusion and consistency proofs, the latest signed checkpoint, the signing public key). The server
 * never says whether anything verifies: console.js decides, with WebCrypto, and says "not verified here" when it
 * cannot (no WebCrypto, or an ML-DSA checkpoint).
 */
final class AuditPage {
    static final int PAGE_SIZE = 50;

    private final Html html;
    private final AuditLog log;
    private final byte[] publicKey;
    private final AuditRecords records;

    AuditPage(Html html, AuditLog log, byte[] publicKey, AuditRecords records) {
        this.html = html;
        this.log = log;
        this.publicKey = publicKey.clone();
        this.records = records;
    }

    void show(WebCall call, Viewer viewer) {
        Optional<String> type = call.query("type").filter(t -> t.equals("request") || t.equals("admin"));
        Optional<String> key = call.query("key");
        int page = Paging.page(call);
        Predicate<AuditRecords.Entry> matches = e -> viewer.sees(e.tenant())
                && type.map(e.type()::equals).orElse(true)
                && key.map(k -> e.keyId().map(k::equals).orElse(false)).orElse(true);
        AuditRecords.Page found = records.newestFirst(matches, (page - 1) * PAGE_SIZE, PAGE_SIZE);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("type", type.orElse(""));
        filters.put("key", key.orElse(""));
        Optional<Views.Checkpoint> checkpoint = log.latestCheckpoint().map(c -> new Views.Checkpoint(c.size(),
                c.time().toString(), c.keyId(), c.algorithm().configName(), c.encode()));
        call.html(200, html.render("audit.jte", new Views.Audit(new Views.Chrome("Audit log", "audit", Optional.of(viewer)),
                found.entries().stream().map(e -> new Views.AuditRow(e.index(), e.time(), e.type(), e.what(),
                        e.keyId().orElse(""), e.tenant().orElse(""), e.decision(), e.status() == 0 ? "" : Integer.toString(e.status()),
                        e.requestId().orElse("")))
                        .toList(),
                Paging.pager("/audit", filters, page, found.more()), records.size(), checkpoint, type.orElse(""),
                key.orElse(""))));
    }

    /** {@code GET /audit/proof?index=N}: record N, its inclusion proof in the latest checkpoint, and that checkpoint. */
    void proof(WebCall call, Viewer viewer) {
        Optional<Checkpoint> checkpoint = log.latestCheckpoint();
        long index = number(call.query("index"));
        Optional<AuditRecords.Entry> entry = index < 0 || index >= records.size() ? Optional.empty()
                : records.entry(index).filter(e -> viewer.sees(e.tenant()));
        if (entry.isEmpty()) {
            call.json(404, "{\"error\":\"no such record\"}");
            return;
        }
        if (checkpoint.isEmpty() || index >= checkpoint.get().size()) {
            call.json(409, "{\"error\":\"not yet covered by a signed checkpoint\"}");
            return;
        }
        Checkpoint c = checkpoint.get();
        ObjectNode body = common(c);
        body.put("index", index);
        body.put("record", Base64.getEncoder().encodeToString(log.record(index)));
        ArrayNode proof = body.putArray("proof");
        log.inclusionProof(index, c.size()).forEach(h -> proof.add(Base64.getEncoder().encodeToString(h)));
        call.json(200, body.toString());
    }

    /** {@code GET /audit/consistency?size=N}: the proof that the log of size N is a prefix of the latest checkpoint's. */
    void consistency(WebCall call, Viewer viewer) {
        Optional<Checkpoint> checkpoint = log.latestCheckpoint();
        long size = number(call.query("size"));
        if (checkpoint.isEmpty() || size < 1 || size > checkpoint.get().size()) {
            call.json(404, "{\"error\":\"no signed checkpoint at least that large\"}");
            return;
        }
        Checkpoint c = checkpoint.get();
        ObjectNode body = common(c);
        body.put("old_size", size);
        ArrayNode proof = body.putArray("proof");
        log.consistencyProof(size, c.size()).forEach(h -> proof.add(Base64.getEncoder().encodeToString(h)));
        call.json(200, body.toString());
    }

    private ObjectNode common(Checkpoint c) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("checkpoint", c.encode());
        body.put("public_key", Base64.getEncoder().encodeToString(publicKey));
        return body;
    }

    private static long number(Optional<String> text) {
        try {
            return text.map(Long::parseLong).orElse(-1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
