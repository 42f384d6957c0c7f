package dev.bastion.guard.pseudonym;

import java.util.Locale;

/** What surrogates look like. */
public enum Style {
    /** Type tags numbered per type: {@code <PERSON_1>}, {@code <EMAIL_ADDRESS_2>}. */
    TAG("tag"),
    /** Fake values of the same type and format: a fake name, e-mail, phone, card or IBAN (tags for other types). */
    REALISTIC("realistic");

    private final String configName;

    Style(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException naming the valid values */
    public static Style fromConfig(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (Style s : values()) {
            if (s.configName.equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown pseudonym style '" + value + "'; expected tag or realistic");
    }
}
