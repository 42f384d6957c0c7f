package dev.bastion.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.models.pull.CatalogueEntry;
import dev.bastion.models.pull.ModelDirectory;
import dev.bastion.models.pull.ModelInfo;
import dev.bastion.models.pull.PullOutcome;
import dev.bastion.models.scan.ScanFinding;
import dev.bastion.models.scan.ScanReport;
import dev.bastion.models.signing.SigningAlgorithm;
import dev.bastion.models.signing.VerificationReport;
import java.util.List;
import java.util.Optional;

/**
 * The JSON forms of what the model commands print with {@code --format json}: snake_case keys, sizes in bytes,
 * an unknown value as {@code null} (never a placeholder such as "-"). Stateless.
 */
final class ModelJson {
    private ModelJson() {
    }

    static ObjectNode info(ModelInfo i) {
        ObjectNode o = Output.object();
        o.put("file", i.file().toString());
        o.put("size", i.size());
        o.put("sha256", i.sha256());
        o.put("gguf_version", i.gguf().version());
        o.put("name", i.gguf().get("general.name").orElse(null));
        o.put("architecture", i.architecture().orElse(null));
        o.put("parameters", i.gguf().parameters());
        o.put("file_type", i.fileType().orElse(null));
        o.put("tensors", i.gguf().tensors());
        ObjectNode types = o.putObject("tensor_types");
        i.gguf().tensorTypes().forEach(types::put);
        number(o, "context_length", i.contextLength());
        number(o, "embedding_length", i.embeddingLength());
        number(o, "layers", i.layers());
        number(o, "heads", i.heads());
        number(o, "kv_heads", i.kvHeads());
        number(o, "vocabulary_size", i.vocabularySize());
        o.put("chat_template", !i.gguf().chatTemplate().isEmpty());
        strings(o.putArray("chat_template_families"), i.chatTemplateFamilies());
        o.put("licence", i.licence().orElse(null));
        return o;
    }

    static ObjectNode scan(ScanReport r) {
        ObjectNode o = Output.object();
        o.put("path", r.path());
        o.put("safe", r.safe());
        ObjectNode formats = o.putObject("formats");
        r.formats().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> formats.put(e.getKey(), e.getValue()));
        ArrayNode findings = o.putArray("findings");
        for (ScanFinding f : r.findings()) {
            findings.addObject().put("severity", f.severity().name()).put("file", f.file()).put("code", f.code())
                    .put("message", f.message());
        }
        return o;
    }

    static ObjectNode verification(VerificationReport r) {
        ObjectNode o = Output.object();
        o.put("model", r.model());
        o.put("verified", r.verified());
        o.put("files_checked", r.filesChecked());
        o.put("signer", r.signer().orElse(null));
        o.put("algorithm", r.algorithm().map(SigningAlgorithm::configName).orElse(null));
        strings(o.putArray("problems"), r.problems().stream().map(VerificationReport.Problem::describe).toList());
        return o;
    }

    static ObjectNode entry(ModelDirectory.Entry m) {
        ObjectNode o = Output.object();
        o.put("name", m.name());
        o.put("file", m.file().toString());
        o.put("size", m.size());
        o.put("architecture", blankAsNull(m.architecture()));
        o.put("quantisation", blankAsNull(m.quantisation()));
        o.put("sha256", blankAsNull(m.sha256()));
        o.put("problem", blankAsNull(m.problem()));
        return o;
    }

    static ObjectNode catalogue(CatalogueEntry e) {
        ObjectNode o = Output.object();
        o.put("name", e.name());
        o.put("description", e.description());
        o.put("url", e.url().toString());
        o.put("sha256", e.sha256());
        o.put("size", e.size());
        o.put("licence", e.licence());
        o.put("architecture", e.architecture());
        o.put("quantisation", e.quantisation());
        o.put("source", e.source());
        return o;
    }

    static ObjectNode pull(PullOutcome outcome) {
        ObjectNode o = Output.object();
        switch (outcome) {
            case PullOutcome.Pulled p -> o.put("status", "installed").put("file", p.file().toString())
                    .put("sha256", p.sha256()).put("bytes", p.bytes()).put("resumed_from", p.resumedFrom());
            case PullOutcome.AlreadyPresent p -> o.put("status", "already-present").put("file", p.file().toString())
                    .put("sha256", p.sha256());
            case PullOutcome.HashMismatch m -> o.put("status", "hash-mismatch").put("expected", m.expected())
                    .put("actual", m.actual());
            case PullOutcome.ScanRefused s -> o.put("status", "scan-refused").put("findings", s.findings().size());
            case PullOutcome.Failed f -> o.put("status", "failed").put("partial_kept", f.partialKept());
        }
        o.put("description", outcome.describe());
        return o;
    }

    private static void number(ObjectNode o, String key, Optional<Long> value) {
        if (value.isPresent()) {
            o.put(key, value.get());
        } else {
            o.putNull(key);
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static String blankAsNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
