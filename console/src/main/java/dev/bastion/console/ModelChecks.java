package dev.bastion.console;

import dev.bastion.gateway.config.ModelSecuritySettings;
import dev.bastion.models.ModelGate;
import dev.bastion.models.bom.AssessmentRecords;
import dev.bastion.models.bom.ModelBom;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The model-security check of each local model file, as the gateway runs it at start ({@link ModelGate}: scan, then
 * the signature under {@code model-security}), for the models page. Checking hashes every file of the model, so an
 * outcome is kept while the model's files are unchanged (same names, sizes and modification times, and the same
 * signature file). Thread-safe.
 */
final class ModelChecks {
    /** A check's outcome, or why the model could not be read at all. */
    sealed interface Outcome {
        record Checked(ModelGate.Admission admission) implements Outcome {
        }

        record Unreadable(String reason) implements Outcome {
        }
    }

    private record Cached(List<String> fingerprint, Outcome outcome) {
    }

    private final ModelSecuritySettings settings;
    private final Clock clock;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    ModelChecks(ModelSecuritySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    Outcome check(Path model) {
        List<String> fingerprint = fingerprint(model);
        Cached cached = cache.get(model);
        if (cached != null && cached.fingerprint().equals(fingerprint)) {
            return cached.outcome();
        }
        Outcome outcome;
        try {
            outcome = new Outcome.Checked(ModelGate.check(model, policy()));
        } catch (IOException | RuntimeException e) {
            // The message may name files; the page says only what kind of failure it was.
            outcome = new Outcome.Unreadable("the model or a trusted key could not be read or checked ("
                    + e.getClass().getSimpleName() + "); run bastion model verify and bastion model scan on it");
        }
        cache.put(model, new Cached(fingerprint, outcome));
        return outcome;
    }

    /**
     * The model's CycloneDX ML-BOM: the one recorded in a model folder ({@value AssessmentRecords#FILE}, which
     * carries its assessment runs) when there is one, otherwise made now from the model's files, scan and signature.
     */
    String bom(Path model, ModelGate.Admission admission) throws IOException {
        Path recorded = model.resolve(AssessmentRecords.FILE);
        if (Files.isDirectory(model) && Files.isRegularFile(recorded)) {
            return Files.readString(recorded);
        }
        return ModelBom.json(model, admission.scan(), admission.signature(), clock);
    }

    private ModelGate.Policy policy() throws IOException {
        List<PublicKey> trusted = new ArrayList<>();
        for (Path key : settings.trustedKeys()) {
            trusted.add(ModelKeys.readPublic(key));
        }
        return new ModelGate.Policy(settings.requireSignature(), trusted, settings.requireAssessment());
    }

    /** Names, sizes and modification times of the model's files and of its signature. */
    private static List<String> fingerprint(Path model) {
        List<String> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        files.add(ModelSigning.defaultSignaturePath(model));
        if (Files.isDirectory(model)) {
            try (Stream<Path> walk = Files.walk(model, 4)) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException | UncheckedIOException e) {
                out.add("unlistable");
            }
        } else {
            files.add(model);
        }
        for (Path f : files) {
            try {
                out.add(f + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis());
            } catch (IOException e) {
                out.add(f + "|absent");
            }
        }
        return out;
    }
}
