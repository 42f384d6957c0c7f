package dev.bastion.privacy.synth;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Distance to closest record: for synthetic rows (a random sample of at most {@code sample}), the Gower distance to
 * the nearest training row and to the nearest control row, the training side subsampled to the control set's size.
 * A generator that learned the population puts its rows as close to the control set as to the training set
 * ({@code closerToTrain} near 0.5 once ties are split); one that memorised puts them on training rows: {@code
 * exactTrain}, the share of synthetic rows equal to a training row, far above {@code exactControl}.
 */
public record Dcr(int sampled, double exactTrain, double exactControl, double closerToTrain, double medianTrain,
        double medianControl) {

    static Dcr of(Records train, Records synthetic, Records control, int sample, RandomGenerator g) {
        Records target = Attacks.sameSize(train, control.size(), g);
        Records syn = Attacks.sameSize(synthetic, sample, g);
        int n = syn.size();
        double[] toTrain = new double[n];
        double[] toControl = new double[n];
        int exactTrain = 0;
        int exactControl = 0;
        double closer = 0;
        for (int i = 0; i < n; i++) {
            toTrain[i] = target.nearest(syn.rows[i], null);
            toControl[i] = control.nearest(syn.rows[i], null);
            exactTrain += toTrain[i] == 0 ? 1 : 0;
            exactControl += toControl[i] == 0 ? 1 : 0;
            closer += toTrain[i] < toControl[i] ? 1 : toTrain[i] == toControl[i] ? 0.5 : 0;
        }
        return new Dcr(n, (double) exactTrain / n, (double) exactControl / n, closer / n, median(toTrain),
                median(toControl));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[s.length / 2];
    }
}
