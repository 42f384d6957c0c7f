package dev.bastion.models.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signs and verifies models in the OpenSSF Model Signing format: the model's manifest becomes an in-toto statement,
 * signed as a DSSE envelope inside a Sigstore bundle. A directory's signature defaults to {@code model.sig} inside
 * it (and is then ignored by the manifest); a single file's to {@code FILE.sig} beside it.
 */
public final class ModelSigning {
    public static final String DEFAULT_SIGNATURE = "model.sig";

    private ModelSigning() {
    }

    public static Path defaultSignaturePath(Path model) {
        return Files.isDirectory(model) ? model.resolve(DEFAULT_SIGNATURE)
                : model.resolveSibling(model.getFileName() + ".sig");
    }

    /** The ignore list for signing {@code model} with its signature at {@code signature}. */
    static List<String> ignores(Path model, Path signature, List<String> extra) {
        List<String> ignores = new ArrayList<>(Manifest.DEFAULT_IGNORES);
        Path abs = model.toAbsolutePath().normalize();
        Path sig = signature.toAbsolutePath().normalize();
        if (Files.isDirectory(abs) && sig.startsWith(abs)) {
            ignores.add(abs.relativize(sig).toString().replace('\\', '/'));
        }
        for (String e : extra) {
            Path p = Path.of(e);
            ignores.add(p.isAbsolute() && p.normalize().startsWith(abs) ? abs.relativize(p.normalize()).toString() : e);
        }
        return ignores;
    }

    /** Signs {@code model}, writing the bundle to {@code signature}; returns the manifest signed. */
    public static Manifest sign(Path model, PrivateKey key, PublicKey publicKey, Path signature, List<String> extraIgnores)
            throws IOException {
        Manifest manifest = Manifest.of(model, ignores(model, signature, extraIgnores));
        byte[] payload = Statement.payload(manifest);
        SigningAlgorithm alg = SigningAlgorithm.of(publicKey);
        byte[] sig;
        try {
            Signature s = Signature.getInstance(alg.signatureAlgorithm());
            s.initSign(key);
            s.update(Dsse.pae(Statement.PAYLOAD_TYPE, payload));
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
        new SignatureBundle(payload, Statement.PAYLOAD_TYPE, sig, Optional.of(SignatureBundle.hint(publicKey)))
                .write(signature);
        return manifest;
    }

    /**
     * Verifies {@code model} against the bundle at {@code signature} with any of {@code trusted}: the key, the
     * signature over the statement, and every file. Never throws for a bad model or bundle; those are problems in
     * the report.
     */
    public static VerificationReport verify(Path model, Path signature, List<PublicKey> trusted, List<String> extraIgnores)
            throws IOException {
        String name = model.getFileName() == null ? model.toString() : model.getFileName().toString();
        List<VerificationReport.Problem> problems = new ArrayList<>();
        SignatureBundle bundle;
        try {
            bundle = SignatureBundle.read(signature);
        } catch (IllegalArgumentException e) {
            return new VerificationReport(name, Optional.empty(), Optional.empty(), 0,
                    List.of(new VerificationReport.Problem.Malformed(e.getMessage())));
        }
        Optional<PublicKey> key = Optional.empty();
        if (bundle.keyHint().isPresent()) {
            key = trusted.stream().filter(k -> SignatureBundle.hint(k).equals(bundle.keyHint().get())).findFirst();
            if (key.isEmpty()) {
                problems.add(new VerificationReport.Problem.UnknownKey(bundle.keyHint().get()));
            }
        } else {
            key = trusted.stream().filter(k -> signatureValid(k, bundle)).findFirst();
        }
        if (key.isPresent() && !signatureValid(key.get(), bundle)) {
            problems.add(new VerificationReport.Problem.BadSignature());
        } else if (key.isEmpty() && bundle.keyHint().isEmpty()) {
            problems.add(new VerificationReport.Problem.BadSignature());
        }
        if (!Statement.PAYLOAD_TYPE.equals(bundle.payloadType())) {
            problems.add(new VerificationReport.Problem.Malformed("payload type " + bundle.payloadType()));
            return report(name, key, 0, problems);
        }
        Manifest signed;
        try {
            signed = Statement.parse(bundle.payload());
        } catch (IllegalArgumentException e) {
            problems.add(new VerificationReport.Problem.Malformed(e.getMessage()));
            return report(name, key, 0, problems);
        }
        List<String> ignores = new ArrayList<>(signed.ignorePaths());
        ignores.addAll(ignores(model, signature, extraIgnores));
        Manifest actual;
        try {
            actual = Manifest.of(model, ignores);
        } catch (IllegalArgumentException | IOException e) {
            problems.add(new VerificationReport.Problem.Malformed("cannot read the model: " + e.getMessage()));
            return report(name, key, 0, problems);
        }
        for (Map.Entry<String, String> e : signed.digests().entrySet()) {
            String now = actual.digests().get(e.getKey());
            if (now == null) {
                problems.add(new VerificationReport.Problem.Missing(e.getKey()));
            } else if (!now.equals(e.getValue())) {
                problems.add(new VerificationReport.Problem.Changed(e.getKey()));
            }
        }
        for (String f : actual.digests().keySet()) {
            if (!signed.digests().containsKey(f)) {
                problems.add(new VerificationReport.Problem.Extra(f));
            }
        }
        return report(name, key, actual.digests().size(), problems);
    }

    private static VerificationReport report(String name, Optional<PublicKey> key, int files,
            List<VerificationReport.Problem> problems) {
        return new VerificationReport(name, key.map(SignatureBundle::hint), key.map(SigningAlgorithm::of), files, problems);
    }

    private static boolean signatureValid(PublicKey key, SignatureBundle bundle) {
        try {
            Signature s = Signature.getInstance(SigningAlgorithm.of(key).signatureAlgorithm());
            s.initVerify(key);
            s.update(Dsse.pae(bundle.payloadType(), bundle.payload()));
            return s.verify(bundle.signature());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
