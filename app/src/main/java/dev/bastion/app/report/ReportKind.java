package dev.bastion.app.report;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The documents {@code bastion report} makes, each from the same {@link ReportFacts}. */
public enum ReportKind {
    /** GDPR Article 30(1): the record of processing activities. */
    PROCESSING("processing", "Record of processing activities (GDPR Article 30)", ProcessingReport::sections),
    /** GDPR Article 35(7): a data protection impact assessment, drafted from the live configuration. */
    DPIA("dpia", "Data protection impact assessment, draft (GDPR Article 35)", DpiaReport::sections),
    /** EU AI Act Articles 26 and 50: what a deployer of an AI system must show. */
    AI_ACT("ai-act", "AI Act deployer obligations (Regulation (EU) 2024/1689, Articles 26 and 50)", AiActReport::sections),
    /** HIPAA Security Rule, 45 CFR 164.312: technical safeguards. */
    HIPAA("hipaa", "HIPAA Security Rule technical safeguards (45 CFR 164.312)", HipaaReport::sections);

    private final String id;
    private final String title;
    private final Function<ReportFacts, List<Section>> sections;

    ReportKind(String id, String title, Function<ReportFacts, List<Section>> sections) {
        this.id = id;
        this.title = title;
        this.sections = sections;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    List<Section> sections(ReportFacts facts) {
        return sections.apply(facts);
    }

    /** @throws IllegalArgumentException naming the kinds there are */
    public static ReportKind fromId(String id) {
        for (ReportKind k : values()) {
            if (k.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown report '" + id + "'; expected processing, dpia, ai-act or hipaa");
    }
}
