package dev.bastion.app;

import dev.bastion.gateway.config.ConfigPrinter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bastion config print}: the effective configuration and where each value came from. */
@Command(name = "config", description = "Inspect the configuration.", subcommands = ConfigCommand.Print.class)
final class ConfigCommand {

    @Command(name = "print", description = "Print the effective config with the origin of each value; secrets redacted.")
    static final class Print implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            boolean json = output.json();
            dev.bastion.gateway.config.LoadedConfig loaded = common.load(Map.of());
            if (json) {
                com.fasterxml.jackson.databind.node.ObjectNode out = Output.object();
                out.put("config_file", loaded.file().map(Object::toString).orElse(null));
                com.fasterxml.jackson.databind.node.ObjectNode settings = out.putObject("settings");
                for (ConfigPrinter.Setting s : ConfigPrinter.settings(loaded)) {
                    settings.putObject(s.key()).put("value", s.value()).put("origin", s.origin());
                }
                Output.print(out);
                return ExitCodes.OK;
            }
            System.out.print(ConfigPrinter.print(loaded));
            return ExitCodes.OK;
        }
    }
}
