package dev.bastion.privacy.ledger;

/**
 * Which ledger: a dataset and the privacy unit its guarantee protects ({@code row} when each row is a person, else
 * the column that identifies a person). The same dataset protected at two units has two ledgers.
 */
public record LedgerId(String dataset, String privacyUnit) {
    public static final String ROW = "row";

    public LedgerId {
        check("dataset", dataset);
        check("privacy unit", privacyUnit);
    }

    private static void check(String what, String v) {
        if (v == null || v.isBlank() || v.length() > 200 || v.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must be 1 to 200 printable characters");
        }
    }

    @Override
    public String toString() {
        return dataset + " (unit: " + privacyUnit + ")";
    }
}
