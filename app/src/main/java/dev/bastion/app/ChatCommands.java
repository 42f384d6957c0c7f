package dev.bastion.app;

import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.inference.ChatMessage;
import dev.bastion.inference.Completion;
import dev.bastion.inference.GenerationRequest;
import dev.bastion.inference.LocalModel;
import dev.bastion.inference.SamplingParameters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bastion chat} and {@code bastion generate}: Bastion's own engine on the terminal, with no gateway in between.
 * A model is named by a configured {@code backend: local} model, a file in {@code <data-dir>/models}, or a path.
 */
final class ChatCommands {
    private ChatCommands() {
    }

    /** Options both commands share. */
    static final class ModelOptions {
        @Option(names = "--model", required = true, paramLabel = "NAME",
                description = "A local model: its name in bastion.yaml, a file in <data-dir>/models, or a GGUF path.")
        String model;

        @Option(names = "--temperature", defaultValue = "0.7", description = "0 for greedy; default 0.7.")
        double temperature;

        @Option(names = "--top-p", defaultValue = "0.95")
        double topP;

        @Option(names = "--top-k", defaultValue = "40")
        int topK;

        @Option(names = "--min-p", defaultValue = "0.05")
        double minP;

        @Option(names = "--repeat-penalty", defaultValue = "1.1")
        double repeatPenalty;

        @Option(names = "--seed", description = "Reproducible sampling.")
        Long seed;

        @Option(names = "--max-tokens", defaultValue = "512")
        int maxTokens;

        @Option(names = "--context", description = "Context size in tokens (default: local-engine.context-size).")
        Integer context;

        @Option(names = "--weight-cache", negatable = true,
                description = "Map the repacked weights from <data-dir>/cache/repacked (written on a model's first "
                        + "load, about its size on disk; bastion model clear-cache deletes it) instead of repacking "
                        + "them in memory at every start (default: local-engine.weight-cache, on; --no-weight-cache "
                        + "repacks in memory). See docs/benchmarks.md, cold start, round nineteen.")
        Boolean weightCache;

        SamplingParameters sampling() {
            return new SamplingParameters(temperature, topP, topK, minP,
                    seed == null ? OptionalLong.empty() : OptionalLong.of(seed), repeatPenalty, 64, Map.of());
        }

        LocalModel open(CommonOptions common, PrintStream err) throws Exception {
            GatewayConfig config = common.load(Map.of()).config();
            Path file = resolve(config, model);
            int ctx = context != null ? context : config.localEngine().contextSize();
            if (config.localEngine().threads() > 0) {
                dev.bastion.inference.Parallel.configure(config.localEngine().threads());
            }
            long t0 = System.nanoTime();
            // The configured key/value cache type, as the gateway uses; the kernels are warmed on a tiny model of the
            // same shape while the tokenizer is read (a fresh process's first prompt otherwise runs them interpreted).
            // -Dbastion.warm-up=off (through BASTION_JAVA_OPTS) skips it: bench/inference/cold.sh measures both.
            // --weight-cache: the repacked weights mapped from the cache in the data directory (made on the first
            // load), not rebuilt in memory. On by default since the quiet run of round nineteen: first token 1.40x
            // llama.cpp's process against 2.14x, decode 0.96x of the in-memory layout's, peak RSS +3 MiB
            // (docs/benchmarks.md, cold start, round nineteen).
            LocalModel.Options engine = new LocalModel.Options(ctx, 1, 0, config.localEngine().cacheType());
            if (weightCache != null ? weightCache : config.localEngine().weightCache()) {
                engine = engine.withWeightCache(config.weightCacheDir());
            }
            LocalModel m = "off".equals(System.getProperty("bastion.warm-up"))
                    ? LocalModel.load(file, engine)
                    : LocalModel.loadWarmed(file, engine);
            err.printf("loaded %s (%s, %d layers, context %d) in %.1f s%n", file.getFileName(),
                    m.config().architecture(), m.config().layers(), m.contextSize(), (System.nanoTime() - t0) / 1e9);
            return m;
        }
    }

    static Path resolve(GatewayConfig config, String name) {
        Optional<ModelSettings> configured = config.model(name).filter(m -> m.backend().equals(ModelSettings.LOCAL));
        if (configured.isPresent() && configured.get().path().isPresent()) {
            return configured.get().path().get();
        }
        Path models = config.dataDir().resolve("models");
        for (Path candidate : List.of(models.resolve(name), models.resolve(name + ".gguf"), Path.of(name))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no local model '" + name + "': not a backend: local model in the config, "
                + "not in " + models + ", and not a file (bastion model pull fetches one; bastion model list shows them)");
    }

    @Command(name = "generate", description = "Continue a prompt with a local model (raw text, no chat template).")
    static final class Generate implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        ModelOptions options;

        @Option(names = "--prompt", required = true)
        String prompt;

        @Option(names = "--chat", description = "Send the prompt as a user message through the model's chat template.")
        boolean chat;

        @Override
        public Integer call() throws Exception {
            try (LocalModel m = options.open(common, System.err)) {
                int[] tokens = chat ? m.chatPrompt(List.of(new ChatMessage("user", prompt, Optional.empty(), Optional.empty())))
                        : m.rawPrompt(prompt);
                Completion c = m.generate(tokens, new GenerationRequest(options.maxTokens, List.of(), options.sampling()),
                        text -> {
                            System.out.print(text);
                            System.out.flush();
                            return true;
                        });
                System.out.println();
                System.err.println(stats(c));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "chat", description = "Chat with a local model in the terminal (streamed; /reset, /exit).")
    static final class Chat implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        ModelOptions options;

        @Option(names = "--system", description = "A system prompt.")
        String system;

        @Override
        public Integer call() throws Exception {
            try (LocalModel m = options.open(common, System.err)) {
                m.requireChatTemplate(); // a base model is refused here, not after every line typed
                List<ChatMessage> history = new ArrayList<>();
                reset(history);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (true) {
                    System.out.print("> ");
                    System.out.flush();
                    String line = in.readLine();
                    if (line == null || line.strip().equals("/exit")) {
                        return ExitCodes.OK;
                    }
                    if (line.strip().equals("/reset")) {
                        reset(history);
                        continue;
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    history.add(new ChatMessage("user", line, Optional.empty(), Optional.empty()));
                    Completion c;
                    try {
                        c = m.generate(m.chatPrompt(history), new GenerationRequest(options.maxTokens, List.of(),
                                options.sampling()), text -> {
                                    System.out.print(text);
                                    System.out.flush();
                                    return true;
                                });
                    } catch (IllegalArgumentException e) {
                        System.out.println("[" + e.getMessage() + "; /reset starts over]");
                        history.removeLast();
                        continue;
                    }
                    System.out.println();
                    System.err.println(stats(c));
                    history.add(new ChatMessage("assistant", c.text(), Optional.empty(), Optional.empty()));
                }
            }
        }

        private void reset(List<ChatMessage> history) {
            history.clear();
            if (system != null) {
                history.add(new ChatMessage("system", system, Optional.empty(), Optional.empty()));
            }
        }
    }

    static String stats(Completion c) {
        double pp = c.promptNanos() / 1e9;
        double tg = c.generationNanos() / 1e9;
        int computed = c.promptTokens() - c.cachedPromptTokens();
        return String.format("[%d prompt tokens (%d cached) in %.2f s, %.1f tokens/s; %d generated, %.1f tokens/s; %s]",
                c.promptTokens(), c.cachedPromptTokens(), pp, pp > 0 ? computed / pp : 0, c.completionTokens(),
                tg > 0 && c.completionTokens() > 1 ? (c.completionTokens() - 1) / tg : 0,
                c.finishReason().name().toLowerCase(java.util.Locale.ROOT));
    }
}
