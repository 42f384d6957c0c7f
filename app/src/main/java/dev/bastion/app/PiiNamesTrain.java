package dev.bastion.app;

import dev.bastion.guard.pii.NameTraining;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bastion train pii-names --out FILE [--seed N]}: trains the PII name model (people, places, organisations,
 * street addresses, titles, NRP, postcodes) on sentences generated from Bastion's templates and gazetteers, never on
 * evaluation data. The shipped model is {@code guard/src/main/resources/dev/bastion/guard/pii/name-model.bin.gz},
 * made by this command with the defaults; its recipe and input hash are inside the file and printed here.
 */
@Command(name = "pii-names", description = "Train the PII name model on generated sentences (reproducible).")
final class PiiNamesTrain implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model (gzip).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Generator and shuffle seed (default 1).")
    long seed;

    @Option(names = "--sentences", defaultValue = "60000", description = "Generated training sentences.")
    int sentences;

    @Option(names = "--epochs", defaultValue = "6")
    int epochs;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        NameTraining.Result r;
        try (OutputStream o = Files.newOutputStream(out)) {
            r = NameTraining.train(seed, sentences, epochs, o);
        }
        System.out.printf(Locale.ROOT, "trained on %d generated sentences, %d epochs, seed %d: %d features, %d bytes, "
                + "%.1f s%n", r.sentences(), r.epochs(), r.seed(), r.features(), Files.size(out),
                (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "generated held-out set: token accuracy %.4f, entity F1 %.4f%n",
                r.heldOutTokenAccuracy(), r.heldOutEntityF1());
        System.out.println("recipe: " + r.recipe());
        return ExitCodes.OK;
    }
}
