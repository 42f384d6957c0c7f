package dev.bastion.app;

import picocli.CommandLine.Option;

/** The DP, robustness and poisoning options of {@code bastion fl simulate}. */
final class FlSimulateOptions {
    @Option(names = "--dp", defaultValue = "off", description = "off (default), central (the server adds Gaussian "
            + "noise to the clipped sum) or distributed (sites add discrete Gaussian shares after a random rotation; "
            + "only the noisy sum exists). User-level DP-FedAvg with Poisson sampling.")
    String dp;

    @Option(names = "--epsilon", description = "Target epsilon of the whole run (with --dp).")
    Double epsilon;

    @Option(names = "--delta", defaultValue = "1e-5", description = "Target delta (default 1e-5).")
    double delta;

    @Option(names = "--users-per-round", paramLabel = "K", description = "Expected users per round with --dp: "
            + "each takes part with probability K/N.")
    Integer usersPerRound;

    @Option(names = "--l2-clip", defaultValue = "0.5", description = "L2 norm each user's update is clipped to "
            + "with --dp (default 0.5).")
    double l2Clip;

    @Option(names = "--server-learning-rate", defaultValue = "1", description = "Step on the averaged update "
            + "with --dp (default 1).")
    double serverLearningRate;

    @Option(names = "--bits", defaultValue = "20", description = "Bits per coordinate of the secure sum with "
            + "--dp distributed (default 20).")
    int bits;

    @Option(names = "--dataset", paramLabel = "NAME", description = "The ledger charged with --dp (privacy unit "
            + "user).")
    String dataset;

    @Option(names = "--robust", defaultValue = "off", description = "off (FedAvg), median, trimmed-mean, multi-krum, "
            + "norm-bound or fltrust.")
    String robust;

    @Option(names = "--group-size", defaultValue = "1", paramLabel = "G", description = "Robust rules run over the "
            + "sums of random groups of at least G sites (G >= 3 with --secagg full|plus); 1: single updates in the "
            + "clear.")
    int groupSize;

    @Option(names = "--malicious", paramLabel = "F:ATTACK", description = "A fraction F of the clients (or F "
            + "clients when F >= 1) attack every round: scale10 (update x10) or signflip (update x-1).")
    String malicious;

    @Option(names = "--root-rows", defaultValue = "100", description = "FLTrust: rows of clean root data the server "
            + "holds, drawn from the training rows (default 100).")
    int rootRows;

    @Option(names = "--he-bits", defaultValue = "3072", paramLabel = "BITS", description = "Paillier modulus size "
            + "with --secagg he (default 3072; smaller only for tests).")
    int heBits;
}
