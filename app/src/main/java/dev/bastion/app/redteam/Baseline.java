package dev.bastion.app.redteam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A saved run (the JSON of an earlier {@code bastion redteam}) and what changed since: a regression is a probe
 * that did not succeed in the baseline and succeeds now; fixed is the reverse. Probes are matched by id.
 */
public final class Baseline {
    private final Path file;
    private final Map<String, Verdict> verdicts;

    private Baseline(Path file, Map<String, Verdict> verdicts) {
        this.file = file;
        this.verdicts = Map.copyOf(verdicts);
    }

    /**
     * Reads a report written by {@code bastion redteam --out}.
     *
     * @throws IllegalArgumentException when the file is not a bastion.redteam/v1 report
     */
    public static Baseline read(Path file) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the baseline " + file, e);
        }
        if (json == null || !json.path("schema").asText().equals(ReportJson.SCHEMA)) {
            throw new IllegalArgumentException(file + " is not a " + ReportJson.SCHEMA
                    + " report (write one with bastion redteam --out DIR: DIR/redteam.json)");
        }
        Map<String, Verdict> verdicts = new HashMap<>();
        for (JsonNode r : json.path("results")) {
            verdicts.put(r.path("id").asText(), Verdict.valueOf(r.path("target").path("verdict").asText()));
        }
        return new Baseline(file, verdicts);
    }

    /** Compares {@code results} with this baseline. */
    public Diff diff(List<ProbeResult> results) {
        List<String> regressions = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (ProbeResult r : results) {
            Verdict before = verdicts.get(r.probe().id());
            boolean now = r.target().verdict() == Verdict.SUCCEEDED;
            if (before == null) {
                continue;
            }
            if (now && before != Verdict.SUCCEEDED) {
                regressions.add(r.probe().id());
            } else if (now) {
                known.add(r.probe().id());
            } else if (before == Verdict.SUCCEEDED && r.target().verdict().stopped()) {
                fixed.add(r.probe().id());
            }
        }
        return new Diff(file.toString(), regressions, fixed, known);
    }

    /**
     * @param file the baseline file
     * @param regressions probes stopped (or errored) in the baseline that succeed now
     * @param fixed probes that succeeded in the baseline and are stopped now
     * @param known probes that succeeded in both
     */
    public record Diff(String file, List<String> regressions, List<String> fixed, List<String> known) {
        public Diff {
            Objects.requireNonNull(file, "file");
            regressions = List.copyOf(regressions);
            fixed = List.copyOf(fixed);
            known = List.copyOf(known);
        }
    }
}
