package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import dev.bastion.guard.injection.InjectionScanner;
import dev.bastion.guard.secrets.SecretsScanner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bastion scan --scanner ...}: scanners over texts, one JSON line per text. */
final class TextScan {
    private TextScan() {
    }

    static int run(List<String> ids, String format, boolean embeddings, List<Path> inputs) throws IOException {
        List<Scanner> scanners = new ArrayList<>();
        InjectionScanner injection = null;
        for (String id : ids) {
            switch (id.strip()) {
                case InjectionScanner.ID -> {
                    injection = InjectionScanner.builtIn(InjectionCommands.encoder(embeddings));
                    scanners.add(injection);
                }
                case SecretsScanner.ID -> scanners.add(SecretsScanner.builtIn());
                case dev.bastion.guard.pii.PiiScanner.ID -> scanners.add(dev.bastion.guard.pii.PiiScanner.defaults());
                default -> throw new IllegalArgumentException("unknown scanner '" + id + "'; use injection, secrets, pii");
            }
        }
        boolean jsonl = !"text".equals(format);
        int flagged = 0;
        for (Path input : inputs) {
            try (BufferedReader in = input.toString().equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
                boolean jsonInput = input.toString().endsWith(".jsonl");
                int lineNo = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String id = input + ":" + lineNo;
                    String text = line;
                    if (jsonInput) {
                        JsonNode n = Json.MAPPER.readTree(line);
                        text = n.path("text").asText();
                        id = n.has("id") ? n.get("id").asText() : id;
                    }
                    List<Finding> findings = new ArrayList<>();
                    for (Scanner s : scanners) {
                        findings.addAll(s.scan(List.of(text)));
                    }
                    if (!findings.isEmpty()) {
                        flagged++;
                    }
                    if (jsonl) {
                        ObjectNode out = Json.MAPPER.createObjectNode();
                        out.put("id", id);
                        ArrayNode fs = out.putArray("findings");
                        for (Finding f : findings) {
                            ObjectNode o = fs.addObject();
                            o.put("type", f.type());
                            o.put("start", f.start());
                            o.put("end", f.end());
                            o.put("score", f.score());
                            o.put("scanner", f.scanner());
                        }
                        if (injection != null) {
                            out.putObject("scores").put(InjectionScanner.ID, injection.score(text));
                        }
                        System.out.println(out);
                    } else {
                        for (Finding f : findings) {
                            System.out.printf("%s %s [%d,%d) score=%.4f%n", id, f.type(), f.start(), f.end(), f.score());
                        }
                    }
                }
            }
        }
        return flagged == 0 ? 0 : 1;
    }
}
