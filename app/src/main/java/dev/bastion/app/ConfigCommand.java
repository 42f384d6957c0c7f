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

        @Override
        public Integer call() {
            System.out.print(ConfigPrinter.print(common.load(Map.of())));
            return ExitCodes.OK;
        }
    }
}
