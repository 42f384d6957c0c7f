package dev.bastion.app;

import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.gateway.telemetry.BuildInfo;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bastion serve}: runs the gateway until SIGTERM or SIGINT, then stops gracefully. */
@Command(name = "serve", description = "Run the gateway (OpenAI-compatible API on 127.0.0.1:8080 by default).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (overrides server.port); 0 picks "
            + "free ports for the API and, unless --console-port is given, the admin console.")
    Integer port;

    @Option(names = "--console-port", paramLabel = "N", description = "Port of the admin console (overrides console.port).")
    Integer consolePort;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (overrides server.host).")
    String host;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "Log records as text lines or JSON lines on standard error (overrides logging.format).")
    String logFormat;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        if (port != null) {
            flags.put("server.port", port.toString());
            if (port == 0 && consolePort == null) {
                flags.put("console.port", "0"); // a throwaway gateway (tests, several on one machine): both pick free ports
            }
        }
        if (consolePort != null) {
            flags.put("console.port", consolePort.toString());
        }
        if (host != null) {
            flags.put("server.host", host);
        }
        if (logFormat != null) {
            flags.put("logging.format", logFormat);
        }
        dev.bastion.gateway.config.LoadedConfig loaded = common.load(flags);
        GatewayConfig config = loaded.config();
        Logging.use(config.telemetry().logFormat());
        BuildInfo build = BuildInfo.of(Main.class);
        if (config.server().warmUpRequests() > 0) {
            // Before this gateway listens, so that ready means warmed; the private gateway shares nothing with it.
            dev.bastion.gateway.server.WarmUp.Report warm = dev.bastion.gateway.server.WarmUp.run(
                    config.server().warmUpRequests());
            System.err.println("bastion: warm-up: " + warm.answered() + " of " + warm.requests() + " requests through a "
                    + "private gateway answered in " + warm.nanos() / 1_000_000 + " ms");
        }
        Gateway gateway = Gateway.start(config, System.getenv(), Clock.systemUTC(), build,
                dev.bastion.gateway.telemetry.Tracing.from(config.telemetry(), build),
                java.util.Optional.of(parts -> dev.bastion.console.Console.routing(parts,
                        dev.bastion.gateway.config.ConfigPrinter.settings(loaded))));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("bastion: stopping; finishing in-flight requests (up to "
                    + config.server().shutdownGrace().toSeconds() + " s)");
            gateway.close();
            stopped.countDown();
        }, "bastion-shutdown"));
        gateway.bootstrapAdminKey().ifPresent(file -> System.err.println(
                "bastion: first start: an admin API key was written to " + file + " (mode 0600)"));
        if (config.models().stream().noneMatch(m -> m.kind() != dev.bastion.gateway.config.ModelSettings.Kind.EMBEDDINGS)) {
            System.err.println("bastion: no chat models: `bastion model catalogue` lists what `bastion model pull NAME` "
                    + "can fetch into " + config.dataDir().resolve("models") + " (restart serve afterwards), or "
                    + "declare a model under `models:` in bastion.yaml");
        }
        if (config.models().stream().anyMatch(m -> m.backend().equals(dev.bastion.gateway.config.ModelSettings.LOCAL))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // The launcher adds the module only when it sees local models (packaging/local-models.sh): one it missed
            // still runs, on the scalar kernels.
            System.err.println("bastion: local models run on the scalar kernels (several times slower): the Vector "
                    + "API module is not loaded; restart with BASTION_JAVA_OPTS=\"--add-modules jdk.incubator.vector\"");
        }
        String scheme = config.server().tls().isPresent() ? "https" : "http";
        System.err.println("bastion: listening on " + scheme + "://" + config.server().host() + ":" + gateway.port()
                + " (data directory " + config.dataDir() + ")");
        gateway.consolePort().ifPresent(p -> System.err.println("bastion: admin console on " + scheme + "://"
                + config.console().host() + ":" + p + "/ (log in with an admin or auditor key)"));
        System.out.println("listening " + scheme + "://" + config.server().host() + ":" + gateway.port());
        System.out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
