package dev.bastion.privacy.deid;

/**
 * Re-identification risk when the attacker knows the person is in the data set (the prosecutor model, El Emam
 * 2013): a record in a class of {@code f} rows is re-identified with probability {@code 1/f}.
 *
 * @param rows records assessed (suppressed records excluded)
 * @param classes equivalence classes
 * @param sampleUniques records alone in their class
 * @param highest the highest record risk: 1 / the smallest class
 * @param average the expected share of records re-identified when every record is attacked: classes / rows
 * @param atRiskAbove0_2 the share of records whose risk exceeds 0.2 (classes smaller than 5)
 * @param atRiskAbove0_09 the share of records whose risk exceeds 0.09 (classes smaller than 12)
 */
public record ProsecutorRisk(int rows, int classes, int sampleUniques, double highest, double average,
        double atRiskAbove0_2, double atRiskAbove0_09) {
    public ProsecutorRisk {
        if (rows < 0 || classes < 0 || classes > rows || sampleUniques < 0 || sampleUniques > classes) {
            throw new IllegalArgumentException("inconsistent counts: rows " + rows + ", classes " + classes
                    + ", uniques " + sampleUniques);
        }
    }

    public static ProsecutorRisk of(EquivalenceClasses classes) {
        int rows = classes.rows();
        if (rows == 0) {
            return new ProsecutorRisk(0, 0, 0, 0, 0, 0, 0);
        }
        return new ProsecutorRisk(rows, classes.classes(), classes.histogram().getOrDefault(1, 0),
                1.0 / classes.smallest(), (double) classes.classes() / rows,
                share(classes, 0.2, rows), share(classes, 0.09, rows));
    }

    /** The share of records whose risk 1/size exceeds {@code threshold}. */
    public static double share(EquivalenceClasses classes, double threshold, int rows) {
        int n = 0;
        for (int s : classes.sizes()) {
            if (1.0 / s > threshold) {
                n += s;
            }
        }
        return rows == 0 ? 0 : (double) n / rows;
    }
}
