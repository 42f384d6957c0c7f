package dev.bastion.app;

import dev.bastion.models.bom.ModelBom;
import dev.bastion.models.scan.ModelScanner;
import dev.bastion.models.scan.ScanFinding;
import dev.bastion.models.scan.ScanReport;
import dev.bastion.models.signing.Manifest;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.SigningAlgorithm;
import dev.bastion.models.signing.VerificationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion model keygen|sign|verify|scan|bom}: the model supply chain, and (in {@link ModelPullCommands})
 * {@code pull|catalogue|list|info}, {@code clear-cache}. Every action but the two listings is an audit-log event (when no gateway holds
 * the log).
 */
@Command(name = "model", description = "Pull, list, inspect, sign, verify and scan models, and write their bill of "
        + "materials.",
        subcommands = {ModelPullCommands.Pull.class, ModelPullCommands.CatalogueList.class,
                ModelPullCommands.ListModels.class, ModelPullCommands.Info.class, ModelCommand.Keygen.class,
                ModelCommand.Sign.class, ModelCommand.Verify.class, ModelCommand.Scan.class, ModelCommand.Bom.class,
                ModelCommand.ClearCache.class})
final class ModelCommand {

    static void audit(CommonOptions common, String action, String subject) {
        CliAudit.record(common.load(Map.of()).config(), action, subject);
    }

    @Command(name = "clear-cache", description = "Delete the repacked weights that chat and generate keep in "
            + "<data-dir>/cache/repacked (rebuilt on a model's next load).")
    static final class ClearCache implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() throws Exception {
            Path dir = common.load(Map.of()).config().weightCacheDir();
            long freed = dev.bastion.inference.LocalModel.clearWeightCache(dir);
            audit(common, "model.clear-cache", dir + " " + freed + " bytes");
            System.out.printf("deleted %.1f MiB of repacked weights in %s%n", freed / 1048576.0, dir);
            return 0;
        }
    }

    @Command(name = "keygen", description = "Write a signing key pair: model-signing.key (0600) and model-signing.pub.")
    static final class Keygen implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--algorithm", defaultValue = "ed25519",
                description = "ed25519 (default), ecdsa-p256, ecdsa-p384 or ml-dsa-65.")
        String algorithm;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            SigningAlgorithm alg = SigningAlgorithm.parse(algorithm);
            Path pub = ModelKeys.write(out, alg);
            String hint = dev.bastion.models.signing.SignatureBundle.hint(ModelKeys.readPublic(pub));
            if (json) {
                Output.print(Output.object().put("private_key", out.resolve(ModelKeys.PRIVATE_FILE).toString())
                        .put("public_key", pub.toString()).put("algorithm", alg.configName()).put("key_hint", hint));
            } else {
                System.out.println("wrote " + out.resolve(ModelKeys.PRIVATE_FILE) + " (keep it secret) and " + pub);
                System.out.println("key hint " + hint);
            }
            audit(common, "model.keygen", alg.configName() + " " + pub.toAbsolutePath());
            return ExitCodes.OK;
        }
    }

    @Command(name = "sign", description = "Sign a model file or folder (OpenSSF model signing bundle).")
    static final class Sign implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "PATH")
        Path model;

        @Option(names = "--key", required = true, paramLabel = "KEY", description = "Private key (PKCS#8 PEM); "
                + "its .pub must be beside it.")
        Path key;

        @Option(names = "--signature", paramLabel = "FILE", description = "Default: PATH/model.sig, or FILE.sig.")
        Path signature;

        @Option(names = "--ignore-paths", split = ",", paramLabel = "P", description = "More paths to leave out.")
        List<String> ignore = new ArrayList<>();

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            Path sig = signature != null ? signature : ModelSigning.defaultSignaturePath(model);
            PublicKey pub = ModelKeys.publicFor(key);
            Manifest m = ModelSigning.sign(model, ModelKeys.readPrivate(key), pub, sig, ignore);
            if (json) {
                Output.print(Output.object().put("model", model.toString()).put("files", m.digests().size())
                        .put("algorithm", SigningAlgorithm.of(pub).configName()).put("signature", sig.toString())
                        .put("root_digest", m.rootDigest()));
            } else {
                System.out.println("signed " + m.digests().size() + " file(s) of " + model + " with "
                        + SigningAlgorithm.of(pub).configName() + "; signature " + sig);
            }
            audit(common, "model.sign", model.toAbsolutePath() + " root=" + m.rootDigest());
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", description = "Verify a model against its signature; exit 1 on any difference.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "PATH")
        Path model;

        @Option(names = "--key", required = true, paramLabel = "PUB", split = ",", description = "Trusted public key(s).")
        List<Path> keys;

        @Option(names = "--signature", paramLabel = "FILE")
        Path signature;

        @Option(names = "--ignore-paths", split = ",", paramLabel = "P")
        List<String> ignore = new ArrayList<>();

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            List<PublicKey> trusted = new ArrayList<>();
            for (Path k : keys) {
                trusted.add(ModelKeys.readPublic(k));
            }
            Path sig = signature != null ? signature : ModelSigning.defaultSignaturePath(model);
            if (!Files.exists(sig)) {
                System.err.println("bastion: no signature at " + sig + " (the model is unsigned)");
                audit(common, "model.verify", model.toAbsolutePath() + " unsigned");
                return ExitCodes.FAILED;
            }
            VerificationReport r = ModelSigning.verify(model, sig, trusted, ignore);
            if (json) {
                Output.print(ModelJson.verification(r));
            } else if (r.verified()) {
                System.out.println("verified: " + r.filesChecked() + " file(s), signed by " + r.signer().orElse("?")
                        + " (" + r.algorithm().map(SigningAlgorithm::configName).orElse("?") + ")");
            } else {
                System.out.println("NOT verified: " + r.problems().size() + " problem(s)");
                r.problems().forEach(p -> System.out.println("  " + p.describe()));
            }
            audit(common, "model.verify", model.toAbsolutePath() + (r.verified() ? " verified" : " failed: "
                    + r.problems().size() + " problem(s)"));
            return r.verified() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "scan", description = "Check a model's files for unsafe content and malformed structure; exit 1 "
            + "if anything is unsafe or malformed.")
    static final class Scan implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "PATH")
        Path model;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            ScanReport r = ModelScanner.scan(model);
            if (json) {
                Output.print(ModelJson.scan(r));
            } else {
                r.formats().forEach((f, fmt) -> System.out.println(f + ": " + fmt));
                for (ScanFinding f : r.findings()) {
                    System.out.println(f.describe());
                }
                System.out.println(r.safe() ? "scan passed" : "scan FAILED");
            }
            audit(common, "model.scan", model.toAbsolutePath() + (r.safe() ? " passed" : " failed: "
                    + r.findings().size() + " finding(s)"));
            return r.safe() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "bom", description = "Write a CycloneDX 1.6 ML-BOM for a model (stdout or --out).")
    static final class Bom implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "PATH")
        Path model;

        @Option(names = "--key", paramLabel = "PUB", split = ",", description = "Trusted key(s) to check the signature.")
        List<Path> keys = new ArrayList<>();

        @Option(names = "--out", paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws Exception {
            List<PublicKey> trusted = new ArrayList<>();
            for (Path k : keys) {
                trusted.add(ModelKeys.readPublic(k));
            }
            Path sig = ModelSigning.defaultSignaturePath(model);
            Optional<VerificationReport> v = Files.exists(sig)
                    ? Optional.of(ModelSigning.verify(model, sig, trusted, List.of())) : Optional.empty();
            String bom = ModelBom.json(model, ModelScanner.scan(model), v, Clock.systemUTC());
            if (out != null) {
                Files.writeString(out, bom);
                System.out.println("wrote " + out);
            } else {
                System.out.println(bom);
            }
            audit(common, "model.bom", model.toAbsolutePath().toString());
            return ExitCodes.OK;
        }
    }
}
