package dev.bastion.privacy.accounting;

import java.util.Locale;

/** Argument checks and number formatting shared by this package's records. */
final class Checks {
    private Checks() {
    }

    static void positiveFinite(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + value);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(?=e|$)", "");
    }
}
