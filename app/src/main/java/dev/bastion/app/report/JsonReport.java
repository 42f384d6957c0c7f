package dev.bastion.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.Checkpoint;
import dev.bastion.crypto.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A report as {@value #SCHEMA} JSON (docs/schemas/bastion-report-v1.schema.json): the same sections and sources as
 * the Markdown, the counts as numbers, and a {@code signature} member over the canonical form of everything else
 * (object keys sorted, no whitespace; the report holds no floating-point numbers, so the form is unambiguous).
 */
public final class JsonReport {
    public static final String SCHEMA = "bastion.report/v1";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static ObjectNode tree(Report r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("kind", r.kind().id());
        root.put("title", r.kind().title());
        root.put("bastion_version", r.version());
        root.put("generated", r.coverage().generated().toString());
        ObjectNode period = root.putObject("period");
        r.coverage().period().from().ifPresentOrElse(f -> period.put("from", f.toString()), () -> period.putNull("from"));
        r.coverage().period().to().ifPresentOrElse(t -> period.put("to", t.toString()), () -> period.putNull("to"));
        r.coverage().tenant().ifPresentOrElse(t -> root.put("tenant", t), () -> root.putNull("tenant"));
        Checkpoint c = r.coverage().decoded();
        root.putObject("checkpoint").put("origin", c.origin()).put("size", c.size())
                .put("root", Base64.getEncoder().encodeToString(c.root())).put("time", c.time().toString())
                .put("key_id", c.keyId()).put("text", r.coverage().checkpoint());
        counts(root.putObject("counts"), r.counts());
        ArrayNode sections = root.putArray("sections");
        for (Section s : r.sections()) {
            ObjectNode o = sections.addObject().put("id", s.id()).put("title", s.title());
            ArrayNode statements = o.putArray("statements");
            for (Statement st : s.statements()) {
                ArrayNode sources = statements.addObject().put("text", st.text()).putArray("sources");
                st.sources().forEach(src -> sources.addObject().put("kind", src.kind().label()).put("ref", src.ref()));
            }
            s.toComplete().forEach(o.putArray("to_complete")::add);
        }
        return root;
    }

    static void counts(ObjectNode o, AuditCounts n) {
        o.put("records", n.records()).put("requests", n.requests()).put("answered", n.answered())
                .put("refused", n.refused()).put("subjects_exported", n.action("subject.export"))
                .put("subjects_erased", n.action("subject.erase")).put("prompt_tokens", n.promptTokens())
                .put("completion_tokens", n.completionTokens());
        map(o.putObject("refusals"), n.refusals());
        map(o.putObject("decisions"), n.decisions());
        map(o.putObject("entity_types"), n.entityTypes());
        map(o.putObject("locations"), n.locations());
        map(o.putObject("routes"), n.routes());
        map(o.putObject("admin_actions"), n.adminActions());
        map(o.putObject("models_admitted"), n.modelsAdmitted());
        map(o.putObject("models_refused"), n.modelsRefused());
    }

    private static void map(ObjectNode o, Map<String, Long> m) {
        m.forEach(o::put);
    }

    /** The signed file: the report with its {@code signature} member, indented. */
    public static String signed(Report r, SigningKey key) {
        ObjectNode tree = tree(r);
        ReportSignature sig = ReportSignature.sign(canonical(tree), key);
        tree.putObject("signature").put("key_id", sig.keyId()).put("algorithm", sig.algorithm().configName())
                .put("value", sig.base64());
        try {
            return PRETTY.writeValueAsString(tree) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical bytes of a document without its signature: keys sorted at every level, no whitespace. */
    public static byte[] canonical(ObjectNode document) {
        ObjectNode unsigned = document.deepCopy();
        unsigned.remove("signature");
        try {
            return JSON.writeValueAsBytes(sorted(unsigned));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical text of any node (keys sorted, no whitespace): equal for equal values whatever their number types. */
    static String canonicalText(JsonNode n) {
        try {
            return JSON.writeValueAsString(sorted(n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode out = JSON.createObjectNode();
            fields.forEach(out::set);
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            n.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return n;
    }
}
