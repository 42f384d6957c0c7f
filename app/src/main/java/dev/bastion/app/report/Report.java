package dev.bastion.app.report;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One compliance document: its kind, what it covers, and its sections. Renderers ({@link MarkdownReport},
 * {@link JsonReport}, {@link PdfReport}) only lay it out; every fact in it is already here with its source.
 * Immutable.
 */
public record Report(ReportKind kind, Coverage coverage, String version, AuditCounts counts, List<Section> sections) {
    public Report {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(coverage, "coverage");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(counts, "counts");
        sections = List.copyOf(sections);
        Set<String> ids = new HashSet<>();
        for (Section s : sections) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("section id " + s.id() + " appears twice");
            }
        }
    }

    /** Builds the report of {@code kind} from {@code facts}. */
    public static Report of(ReportKind kind, ReportFacts facts) {
        return new Report(kind, facts.coverage(), facts.version(), facts.counts(), kind.sections(facts));
    }

    /** Every source cited, in order of first citation. */
    public List<Source> sources() {
        java.util.LinkedHashSet<Source> all = new java.util.LinkedHashSet<>();
        sections.forEach(s -> s.statements().forEach(st -> all.addAll(st.sources())));
        return List.copyOf(all);
    }
}
