package dev.bastion.privacy.ledger;

/** A total privacy budget (ε, δ) for one ledger. */
public record Budget(double epsilon, double delta) {
    public Budget {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("the budget's epsilon must be a positive number, got " + epsilon);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("the budget's delta must be in [0, 1), got " + delta);
        }
    }

    /** Parses {@code EPSILON[,DELTA]}. */
    public static Budget parse(String s) {
        String[] parts = s.split(",", -1);
        try {
            if (parts.length == 1) {
                return new Budget(Double.parseDouble(parts[0].strip()), 0);
            }
            if (parts.length == 2) {
                return new Budget(Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("a budget is EPSILON or EPSILON,DELTA (for example 3,1e-6), got '" + s + "'");
    }
}
