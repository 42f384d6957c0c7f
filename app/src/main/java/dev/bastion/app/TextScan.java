package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import dev.bastion.guard.secrets.SecretsScanner;
import dev.bastion.models.progress.Progress;
import dev.bastion.models.progress.ProgressBar;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code bastion scan [--scanner ID,...] [--format jsonl|json|text] [FILE...|-]}: scanners (by default {@code pii})
 * over texts, streamed in bounded memory, one output record per input line in input order.
 *
 * <p>Input: each line of a text input is one text; each line of a {@code .jsonl} input (or any input with
 * {@code --input jsonl}) is {@code {"id": ..., "text": ...}}. Output: {@code {"id", "findings": [{"type", "start",
 * "end", "score", "recognizer"}]}} per text (and {@code "scores"} for scanners with a whole-text score), as JSON
 * lines, one JSON array ({@code json}), or plain lines ({@code text}). A line that is not valid UTF-8 or not such a
 * JSON object becomes {@code {"id", "error"}} naming the line number, and the scan goes on; the exit code is then
 * 2. Otherwise it is 1 if anything was found, else 0. Matched text is never printed.
 */
final class TextScan {
    /** Longest input line read; longer lines are reported as errors and skipped. */
    static final int MAX_LINE_BYTES = 16 << 20;

    private TextScan() {
    }

    static int run(List<String> ids, String format, String inputFormat, boolean embeddings, PiiMode piiMode,
            List<Path> inputs) throws IOException {
        String fmt = format.strip().toLowerCase(Locale.ROOT);
        if (!List.of("jsonl", "json", "text").contains(fmt)) {
            throw new IllegalArgumentException("--format is jsonl, json or text, got '" + format + "'");
        }
        if (!List.of("auto", "text", "jsonl").contains(inputFormat)) {
            throw new IllegalArgumentException("--input is text or jsonl, got '" + inputFormat + "'");
        }
        List<Scanner> scanners = new ArrayList<>();
        InjectionScanner injection = null;
        for (String id : ids) {
            switch (id.strip()) {
                case InjectionScanner.ID -> {
                    injection = InjectionScanner.builtIn(InjectionCommands.encoder(embeddings));
                    scanners.add(injection);
                }
                case SecretsScanner.ID -> scanners.add(SecretsScanner.builtIn());
                case PiiScanner.ID -> scanners.add(PiiScanner.defaults(piiMode));
                default -> throw new IllegalArgumentException("unknown scanner '" + id + "'; use pii, injection, secrets");
            }
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        long flagged = 0;
        long errors = 0;
        boolean first = true;
        if (fmt.equals("json")) {
            out.write("[");
        }
        for (Path input : inputs) {
            boolean stdin = input.toString().equals("-");
            boolean jsonInput = inputFormat.equals("jsonl") || (inputFormat.equals("auto") && input.toString().endsWith(".jsonl"));
            long size = stdin ? 0 : Files.size(input);
            // One progress bar for the whole CLI (the model pull's): bytes, percent, rate and time left, only when
            // standard error is a terminal; nothing for standard input, whose size is unknown.
            Progress progress = size > 0 ? ProgressBar.bytesOnTerminal()
                    : Progress.NONE;
            progress.start(0, size);
            try (InputStream raw = stdin ? System.in : Files.newInputStream(input);
                    LineReader reader = new LineReader(raw, MAX_LINE_BYTES)) {
                for (Optional<LineReader.Line> next = reader.next(); next.isPresent(); next = reader.next()) {
                    LineReader.Line line = next.get();
                    ObjectNode record = Json.MAPPER.createObjectNode();
                    record.put("id", input + ":" + line.number());
                    Optional<String> text = text(line, jsonInput, record);
                    if (text.isEmpty()) {
                        if (!record.has("error")) {
                            continue; // a blank line
                        }
                        errors++;
                    } else {
                        ArrayNode findings = record.putArray("findings");
                        for (Scanner s : scanners) {
                            findings(s, text.get(), findings);
                        }
                        if (!findings.isEmpty()) {
                            flagged++;
                        }
                        if (injection != null) {
                            record.putObject("scores").put(InjectionScanner.ID, injection.score(text.get()));
                        }
                    }
                    write(out, fmt, record, first);
                    first = false;
                    progress.advance(reader.bytesRead());
                }
                progress.finish(reader.bytesRead());
            }
        }
        if (fmt.equals("json")) {
            out.write(first ? "]\n" : "\n]\n");
        }
        out.flush();
        if (errors > 0) {
            System.err.println("bastion: " + errors + " line(s) could not be read; see the \"error\" records");
            return ExitCodes.USAGE;
        }
        return flagged == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** The text of one line, or empty for a blank line or an error (then put into {@code record}). */
    private static Optional<String> text(LineReader.Line line, boolean jsonInput, ObjectNode record) {
        return switch (line) {
            case LineReader.Line.Bad bad -> {
                record.put("error", bad.problem());
                yield Optional.empty();
            }
            case LineReader.Line.Text t when t.text().isBlank() -> Optional.empty();
            case LineReader.Line.Text t when !jsonInput -> Optional.of(t.text());
            case LineReader.Line.Text t -> {
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(t.text());
                } catch (IOException e) {
                    n = null;
                }
                if (n == null || !n.isObject() || !n.path("text").isTextual()) {
                    record.put("error", "line " + t.number() + " is not a JSON object with a string \"text\"");
                    yield Optional.empty();
                }
                if (n.has("id") && (n.get("id").isTextual() || n.get("id").isNumber())) {
                    record.set("id", n.get("id"));
                }
                yield Optional.of(n.get("text").asText());
            }
        };
    }

    private static void findings(Scanner scanner, String text, ArrayNode out) {
        if (scanner instanceof PiiScanner pii) {
            for (Recognizer.Candidate c : pii.find(text)) {
                add(out, c.type(), c.start(), c.end(), c.score(), c.recognizer());
            }
            return;
        }
        for (Finding f : scanner.scan(List.of(text))) {
            add(out, f.type(), f.start(), f.end(), f.score(), f.scanner());
        }
    }

    private static void add(ArrayNode out, String type, int start, int end, double score, String recognizer) {
        ObjectNode o = out.addObject();
        o.put("type", type);
        o.put("start", start);
        o.put("end", end);
        o.put("score", score);
        o.put("recognizer", recognizer);
    }

    private static void write(Writer out, String fmt, ObjectNode record, boolean first) throws IOException {
        switch (fmt) {
            case "jsonl" -> out.write(record + "\n");
            case "json" -> out.write((first ? "\n" : ",\n") + record);
            default -> {
                String id = record.get("id").asText();
                if (record.has("error")) {
                    out.write(id + " error: " + record.get("error").asText() + "\n");
                }
                for (JsonNode f : record.path("findings")) {
                    out.write(String.format(Locale.ROOT, "%s %s [%d,%d) score=%.4f %s%n", id, f.get("type").asText(),
                            f.get("start").asInt(), f.get("end").asInt(), f.get("score").asDouble(),
                            f.get("recognizer").asText()));
                }
            }
        }
    }
}
