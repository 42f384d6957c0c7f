package dev.bastion.app;

import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.config.LoadedConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every command takes: where the config file and the data directory are. */
final class CommonOptions {
    @Option(names = "--config", paramLabel = "PATH", description = "Config file (default: ./bastion.yaml if present).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: BASTION_DATA_DIR, else data-dir in the config, else ~/.bastion).")
    Path dataDir;

    /** Loads the effective config with these flags and any extra flag values (dotted key to value). */
    LoadedConfig load(Map<String, String> extraFlags) {
        Map<String, String> flags = new HashMap<>(extraFlags);
        if (dataDir != null) {
            flags.put("data-dir", dataDir.toAbsolutePath().toString());
        }
        return ConfigLoader.load(Optional.ofNullable(config), Path.of("").toAbsolutePath(), System.getenv(), flags,
                home(System.getenv()));
    }

    /** The home directory for {@code ~}: {@code $HOME}, as shells, Maven and npm use it, else Java's user.home. */
    static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }
}
