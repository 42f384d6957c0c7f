package dev.bastion.app.redteam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Writes a {@link RunReport} as {@value #SCHEMA} JSON (docs/schemas/bastion-redteam-v1.schema.json). */
public final class ReportJson {
    public static final String SCHEMA = "bastion.redteam/v1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    public static ObjectNode tree(RunReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("created", report.created().toString());
        root.put("suite", report.suite());
        ObjectNode files = root.putObject("probe_files");
        new java.util.TreeMap<>(report.probeFiles()).forEach(files::put);
        endpoint(root.putObject("target"), report.target());
        report.compare().ifPresent(c -> endpoint(root.putObject("compare"), c));
        ObjectNode summary = root.putObject("summary");
        summary.put("probes", report.results().size());
        summary.put("succeeded", report.succeeded());
        verdicts(summary.putObject("verdicts"), report.verdicts());
        ObjectNode owasp = summary.putObject("by_owasp");
        report.byOwasp().forEach((k, v) -> owasp.putObject(k.code()).put("title", k.title()).put("probes", v[0])
                .put("succeeded", v[1]));
        if (report.compare().isPresent()) {
            verdicts(summary.putObject("compare_verdicts"), report.compareVerdicts());
            summary.put("stopped_only_by_target", report.stoppedOnlyByTarget());
        }
        report.baseline().ifPresent(d -> {
            ObjectNode b = root.putObject("baseline");
            b.put("file", d.file());
            d.regressions().forEach(b.putArray("regressions")::add);
            d.fixed().forEach(b.putArray("fixed")::add);
            b.put("known_succeeded", d.known().size());
        });
        var results = root.putArray("results");
        for (ProbeResult r : report.results()) {
            Probe p = r.probe();
            ObjectNode o = results.addObject();
            o.put("id", p.id()).put("suite", p.suite()).put("owasp", p.owasp().code()).put("technique", p.technique())
                    .put("carrier", p.carrier()).put("encoding", p.encoding()).put("detector", p.detector().id());
            outcome(o.putObject("target"), r.target());
            r.compare().ifPresent(c -> outcome(o.putObject("compare"), c));
            report.baseline().ifPresent(d -> o.put("regression", d.regressions().contains(p.id())));
        }
        return root;
    }

    public static String write(RunReport report) {
        try {
            return JSON.writeValueAsString(tree(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the red-team report", e);
        }
    }

    private static void endpoint(ObjectNode node, RunReport.Endpoint e) {
        node.put("url", e.url()).put("model", e.model()).put("stream", e.stream());
    }

    private static void verdicts(ObjectNode node, Map<Verdict, Integer> counts) {
        counts.forEach((k, v) -> node.put(k.name(), v));
    }

    private static void outcome(ObjectNode node, Outcome o) {
        node.put("verdict", o.verdict().name()).put("status", o.status()).put("request_id", o.requestId())
                .put("reason", o.reason());
        o.signals().forEach(node.putArray("signals")::add);
        node.put("answer", o.answer()).put("millis", o.millis());
    }
}
