package dev.bastion.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a job did, without any value it found: rows, values rewritten per entity type, the SHA-256 of its input and
 * output, and the vault's row counts. {@link #auditRecord} is the audit log's view of it.
 *
 * @param applicationId Spark's id of the run
 * @param time when the job ended
 * @param columns the rewritten columns
 * @param rows rows read
 * @param counts values rewritten per entity type
 * @param input the input's hashes
 * @param output the output's hashes
 * @param vaultRows rows in the vault after the job (empty unless pseudonymise)
 * @param seconds the job's wall-clock time
 */
public record JobReport(String applicationId, Instant time, String operator, String piiMode, List<String> columns,
        long rows, Map<String, Long> counts, DataHashes input, DataHashes output, Optional<long[]> vaultRows,
        double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public JobReport {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(time, "time");
        columns = List.copyOf(columns);
        counts = java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(vaultRows, "vaultRows");
        if (rows < 0 || counts.values().stream().anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }

    /** All values rewritten. */
    public long values() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The audit record: an admin record ({@code type admin}, action {@code spark.redact}, the Spark application id
     * as subject), as {@code bastion} writes for its CLI actions, with the counts and the data hashes.
     */
    public ObjectNode auditRecord() {
        ObjectNode r = JSON.createObjectNode();
        r.put("v", 1);
        r.put("time", time.toString());
        r.put("type", "admin");
        r.putNull("request_id");
        r.put("key_id", "spark");
        r.put("action", "spark.redact");
        r.put("subject", applicationId);
        r.put("operator", operator);
        r.put("rows", rows);
        r.put("values", values());
        r.set("counts", JSON.valueToTree(counts));
        r.put("input_sha256", input.sha256());
        r.put("output_sha256", output.sha256());
        vaultRows.ifPresent(v -> r.put("vault_rows", v[0]));
        return r;
    }

    /** The report file's JSON. */
    public String toJson() {
        ObjectNode r = JSON.createObjectNode();
        r.put("job", "spark.redact");
        r.put("application_id", applicationId);
        r.put("time", time.toString());
        r.put("operator", operator);
        r.put("pii_mode", piiMode);
        r.set("columns", JSON.valueToTree(columns));
        r.put("rows", rows);
        r.put("values", values());
        r.set("counts", JSON.valueToTree(counts));
        r.set("input", hashes(input));
        r.set("output", hashes(output));
        vaultRows.ifPresent(v -> {
            ObjectNode vault = r.putObject("vault");
            vault.put("rows", v[0]);
            vault.put("distinct_surrogates", v[1]);
        });
        r.put("seconds", Math.round(seconds * 100) / 100.0);
        r.set("audit_record", auditRecord());
        try {
            return JSON.writeValueAsString(r) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report", e);
        }
    }

    private static ObjectNode hashes(DataHashes h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sha256", h.sha256());
        o.put("bytes", h.bytes());
        ArrayNode files = o.putArray("files");
        for (DataHashes.FileHash f : h.files()) {
            files.addObject().put("path", f.path()).put("bytes", f.bytes()).put("sha256", f.sha256());
        }
        return o;
    }
}
