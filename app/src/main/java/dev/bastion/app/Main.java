package dev.bastion.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command line. */
@Command(name = "bastion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Bastion: a local-first, privacy-preserving AI gateway.",
        subcommands = {ServeCommand.class, KeysCommand.class, ConfigCommand.class, AuditCommand.class, ExplainCommand.class,
                ScanCommand.class, EvalCommand.class, SubjectCommand.class, DpCommand.class, DeidCommand.class, AssessCommand.class, TrainCommand.class, ModelCommand.class,
                PiiCommands.Redact.class, PiiCommands.Restore.class, ChatCommands.Chat.class, ChatCommands.Generate.class,
                SynthCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code; used by tests in-process. */
    public static int run(String... args) {
        Logging.configure();
        CommandLine cli = new CommandLine(new Main());
        withHelpOptions(cli);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("bastion: " + Errors.describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    /** Every subcommand, at every depth, answers {@code -h/--help} and {@code -V/--version} as the top level does. */
    private static void withHelpOptions(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null && !(spec.userObject() instanceof CommandLine.HelpCommand)) {
                spec.mixinStandardHelpOptions(true);
                spec.versionProvider(new Version());
            }
            withHelpOptions(sub);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"bastion " + (v == null ? "development build" : v)};
        }
    }
}
