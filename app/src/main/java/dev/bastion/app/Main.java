package dev.bastion.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command line. */
@Command(name = "bastion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Bastion: a local-first, privacy-preserving AI gateway.",
        subcommands = {ServeCommand.class, KeysCommand.class, ConfigCommand.class, AuditCommand.class, ExplainCommand.class,
                ScanCommand.class, EvalCommand.class, SubjectCommand.class, DpCommand.class, TrainCommand.class, ModelCommand.class,
                PiiCommands.Redact.class, PiiCommands.Restore.class, ChatCommands.Chat.class, ChatCommands.Generate.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code; used by tests in-process. */
    public static int run(String... args) {
        Logging.configure();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("bastion: " + Errors.describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"bastion " + (v == null ? "development build" : v)};
        }
    }
}
