package dev.bastion.app.redteam;

/**
 * The OWASP Top 10 for Large Language Model Applications, 2025 edition (genai.owasp.org). Every probe names the one
 * category its success would demonstrate. This enum is immutable.
 */
public enum Owasp {
    LLM01("Prompt Injection"),
    LLM02("Sensitive Information Disclosure"),
    LLM03("Supply Chain"),
    LLM04("Data and Model Poisoning"),
    LLM05("Improper Output Handling"),
    LLM06("Excessive Agency"),
    LLM07("System Prompt Leakage"),
    LLM08("Vector and Embedding Weaknesses"),
    LLM09("Misinformation"),
    LLM10("Unbounded Consumption");

    private final String title;

    Owasp(String title) {
        this.title = title;
    }

    /** The category as OWASP writes it, for example {@code LLM01:2025}. */
    public String code() {
        return name() + ":2025";
    }

    public String title() {
        return title;
    }

    /** Reads {@code LLM01} or {@code LLM01:2025}. */
    public static Owasp of(String text) {
        String t = text.strip();
        int colon = t.indexOf(':');
        return valueOf(colon < 0 ? t : t.substring(0, colon));
    }
}
