package dev.bastion.app;

import dev.bastion.models.progress.ProgressBar;
import dev.bastion.models.pull.Catalogue;
import dev.bastion.models.pull.CatalogueEntry;
import dev.bastion.models.pull.ModelDirectory;
import dev.bastion.models.pull.ModelInfo;
import dev.bastion.models.pull.PullOutcome;
import dev.bastion.models.pull.PullRequest;
import dev.bastion.models.pull.Puller;
import dev.bastion.models.scan.FormatException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion model pull|catalogue|list|info}: getting models onto this machine and seeing what they are. The
 * model directory is {@code <data-dir>/models} unless {@code --model-dir} says otherwise. Pulls and info reads are
 * audit-log events, like the other model commands.
 */
final class ModelPullCommands {
    private ModelPullCommands() {
    }

    static Path modelDir(CommonOptions common, Path override) {
        return override != null ? override.toAbsolutePath()
                : common.load(Map.of()).config().dataDir().resolve("models");
    }

    /** A URL for the audit log: no query or fragment, which may carry tokens. */
    static String forAudit(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Command(name = "pull", description = "Download a model (a URL with --sha256, or a catalogue name), check its "
            + "SHA-256 and scan it, then install it in the model directory. An interrupted pull resumes when run again.")
    static final class Pull implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "URL|NAME", description = "An https URL, or a name from `bastion model catalogue`.")
        String source;

        @Option(names = "--sha256", paramLabel = "HEX", description = "The SHA-256 the file must have (required "
                + "with a URL).")
        String sha256;

        @Option(names = "--name", paramLabel = "NAME", description = "Install as NAME.gguf (default: from the URL or "
                + "the catalogue).")
        String name;

        @Option(names = "--model-dir", paramLabel = "DIR", description = "Default: <data-dir>/models.")
        Path modelDir;

        @Option(names = "--allow-http", description = "Allow plain http to other machines (insecure: anyone on the "
                + "path can change the file; the hash check still applies).")
        boolean allowHttp;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            PullRequest req = request(modelDir(common, modelDir));
            System.err.println("pulling " + forAudit(req.url()) + " into " + req.target());
            PullOutcome o = new Puller(Puller.defaultClient(), ProgressBar.forDownload()).pull(req);
            boolean ok = o instanceof PullOutcome.Pulled || o instanceof PullOutcome.AlreadyPresent;
            if (json) {
                Output.print(ModelJson.pull(o));
            }
            if (ok && !json) {
                System.out.println(o.describe());
            } else if (!ok) {
                System.err.println("bastion: " + o.describe());
            }
            String result = switch (o) {
                case PullOutcome.Pulled p -> "installed sha256=" + p.sha256();
                case PullOutcome.AlreadyPresent p -> "already present sha256=" + p.sha256();
                case PullOutcome.HashMismatch m -> "refused: sha256 mismatch, got " + m.actual();
                case PullOutcome.ScanRefused s -> "refused by the scan: " + s.findings().size() + " finding(s)";
                case PullOutcome.Failed f -> "failed" + (f.partialKept() ? " (partial kept)" : "");
            };
            ModelCommand.audit(common, "model.pull", forAudit(req.url()) + " -> " + req.target() + " " + result);
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }

        private PullRequest request(Path dir) {
            if (source.contains("://")) {
                if (sha256 == null) {
                    throw new IllegalArgumentException("a URL needs --sha256 HEX, the hash the file must have "
                            + "(the model's page usually lists it)");
                }
                URI url = URI.create(source);
                return new PullRequest(url, sha256, name != null ? name : PullRequest.nameFrom(url), dir, allowHttp);
            }
            CatalogueEntry e = Catalogue.builtIn().find(source).orElseThrow(() -> new IllegalArgumentException(
                    "no model '" + source + "' in the catalogue; `bastion model catalogue` lists them, or give a URL"));
            if (sha256 != null && !sha256.equalsIgnoreCase(e.sha256())) {
                throw new IllegalArgumentException("--sha256 differs from the catalogue's " + e.sha256() + " for "
                        + e.name());
            }
            return new PullRequest(e.url(), e.sha256(), name != null ? name : e.name(), dir, allowHttp);
        }
    }

    @Command(name = "catalogue", aliases = "catalog", description = "List the models `bastion model pull NAME` knows.")
    static final class CatalogueList implements Callable<Integer> {
        @Mixin
        Output output;

        @Override
        public Integer call() {
            if (output.json()) {
                com.fasterxml.jackson.databind.node.ArrayNode all = Output.array();
                Catalogue.builtIn().entries().forEach(e -> all.add(ModelJson.catalogue(e)));
                Output.print(all);
                return ExitCodes.OK;
            }
            for (CatalogueEntry e : Catalogue.builtIn().entries()) {
                System.out.println(String.format(Locale.ROOT, "%-30s %10s  %-6s %-7s %s", e.name(),
                        ProgressBar.bytes(e.size()), e.architecture(), e.quantisation(), e.licence()));
                System.out.println("    " + e.description());
                System.out.println("    " + e.url());
                System.out.println("    sha256 " + e.sha256() + " (source: " + e.source() + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List the models in the model directory.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--model-dir", paramLabel = "DIR", description = "Default: <data-dir>/models.")
        Path modelDir;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            Path dir = modelDir(common, modelDir);
            List<ModelDirectory.Entry> models = ModelDirectory.list(dir);
            if (json) {
                com.fasterxml.jackson.databind.node.ArrayNode all = Output.array();
                models.forEach(m -> all.add(ModelJson.entry(m)));
                Output.print(all);
                return ExitCodes.OK;
            }
            if (models.isEmpty()) {
                System.out.println("no models in " + dir + " (`bastion model pull NAME` adds one)");
                return ExitCodes.OK;
            }
            System.out.println(String.format(Locale.ROOT, "%-32s %10s  %-10s %-8s %s", "NAME", "SIZE", "ARCH", "QUANT",
                    "SHA256"));
            for (ModelDirectory.Entry m : models) {
                System.out.println(String.format(Locale.ROOT, "%-32s %10s  %-10s %-8s %s", m.name(),
                        ProgressBar.bytes(m.size()), or(m.architecture()), or(m.quantisation()),
                        m.problem().isEmpty() ? or(m.sha256()) : m.problem()));
            }
            return ExitCodes.OK;
        }

        private static String or(String s) {
            return s.isEmpty() ? "-" : s;
        }
    }

    @Command(name = "info", description = "Show what a GGUF model file is: architecture, size, quantisation, "
            + "context, vocabulary, chat template, licence, SHA-256.")
    static final class Info implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no such file: " + file);
            }
            try {
                ModelInfo info = ModelInfo.read(file);
                if (json) {
                    Output.print(ModelJson.info(info));
                } else {
                    info.lines().forEach(System.out::println);
                }
                ModelCommand.audit(common, "model.info", file.toAbsolutePath() + " sha256=" + info.sha256());
                return ExitCodes.OK;
            } catch (FormatException e) {
                System.err.println("bastion: " + file + " is not a usable GGUF model: " + e.getMessage());
                ModelCommand.audit(common, "model.info", file.toAbsolutePath() + " malformed");
                return ExitCodes.FAILED;
            }
        }
    }
}
