package dev.bastion.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bastion} command line. */
@Command(name = "bastion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Bastion: a local-first, privacy-preserving AI gateway.",
        subcommands = {ServeCommand.class, KeysCommand.class, ConfigCommand.class, AuditCommand.class, ExplainCommand.class,
                ScanCommand.class, EvalCommand.class, SubjectCommand.class, DpCommand.class, DeidCommand.class, AssessCommand.class, TrainCommand.class, ModelCommand.class,
                FlCommand.class,
                PiiCommands.Redact.class, PiiCommands.Restore.class, ChatCommands.Chat.class, ChatCommands.Generate.class,
                SynthCommand.class, FairnessCommand.class, HealthCommand.class, RedteamCommand.class, ReportCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code; used by tests in-process. */
    public static int run(String... args) {
        Logging.configure();
        CommandLine cli = args.length > 0 ? commandLineFor(args[0]) : commandLine();
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("bastion: " + Errors.describe(e));
            return ExitCodes.FAILED;
        });
        return cli.execute(args);
    }

    /** The whole command tree, every command with its help options and the exit codes in its help. */
    static CommandLine commandLine() {
        return finish(new CommandLine(new Main()));
    }

    /**
     * The tree a run of {@code bastion NAME ...} needs: the root with only the subcommand NAME under it, so a start
     * does not build the options of twenty other commands (picocli reads every annotation of every command class it
     * is given; for {@code serve} that was about a fifth of the time to ready). {@code help}, {@code completion} and
     * anything that names no subcommand (an option, a typo) get the whole tree, because they print or list it.
     */
    static CommandLine commandLineFor(String first) {
        if (first.equals("help") || first.equals("completion")) {
            return commandLine();
        }
        for (Class<?> sub : Main.class.getAnnotation(Command.class).subcommands()) {
            Command command = sub.getAnnotation(Command.class);
            if (command != null && (command.name().equals(first) || java.util.List.of(command.aliases()).contains(first))) {
                CommandLine root = new CommandLine(new Lean());
                root.addSubcommand(sub);
                return finish(root);
            }
        }
        return commandLine();
    }

    private static CommandLine finish(CommandLine cli) {
        exitCodesInHelp(cli);
        withHelpOptions(cli);
        return cli;
    }

    /** The root of a one-command tree: the same name, options and description as {@link Main}, no subcommands. */
    @Command(name = "bastion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Bastion: a local-first, privacy-preserving AI gateway.")
    static final class Lean {
    }

    private static void exitCodesInHelp(CommandLine command) {
        command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.helpList());
        command.getSubcommands().values().forEach(Main::exitCodesInHelp);
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
            return new String[] {describe(Main.class.getPackage().getImplementationVersion(), commit())};
        }

        /** {@code bastion VERSION (commit C)}; a build without a version (classes run from an IDE) says so. */
        static String describe(String version, String commit) {
            return "bastion " + (version == null ? "development build" : version)
                    + (commit == null || commit.isBlank() ? "" : " (commit " + commit + ")");
        }

        /** The commit the jar was built from, recorded in its manifest as Bastion-Commit; null when unrecorded. */
        private static String commit() {
            try {
                java.nio.file.Path jar = java.nio.file.Path.of(Main.class.getProtectionDomain().getCodeSource()
                        .getLocation().toURI());
                if (!java.nio.file.Files.isRegularFile(jar)) {
                    return null; // classes in a folder: a build from source, not a jar
                }
                try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                    java.util.jar.Manifest m = file.getManifest();
                    return m == null ? null : m.getMainAttributes().getValue("Bastion-Commit");
                }
            } catch (java.io.IOException | java.net.URISyntaxException | SecurityException e) {
                return null;
            }
        }
    }
}
