package dev.bastion.app;

import picocli.CommandLine.Command;

/** {@code bastion eval ...}: measure scanners on labelled data read from a path (nothing third-party is bundled). */
@Command(name = "eval", description = "Measure a scanner on labelled data.", subcommands = {SecretsEval.class,
        InjectionCommands.Eval.class, PiiEval.class, PiiContextEval.class, ClinicalEval.class, ValidatorEval.class, RouteEval.class})
final class EvalCommand {
}
