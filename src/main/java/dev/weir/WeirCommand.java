package dev.weir;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import dev.weir.cli.CommandLines;
import dev.weir.cli.jobs.CancelCommand;
import dev.weir.cli.jobs.CheckpointsCommand;
import dev.weir.cli.jobs.JobsCommand;
import dev.weir.cli.jobs.SavepointCommand;
import dev.weir.cli.jobs.StopCommand;
import dev.weir.local.LocalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code weir} command: its subcommands, each with its own options and help. */
@Command(name = "weir", usageHelpAutoWidth = true, synopsisSubcommandLabel = "<command>",
        description = "Exactly-once stateful stream processing: run StreamJob manifests and manage running jobs.",
        footer = {"", "Run 'weir <command> --help' for the options of a command."})
public final class WeirCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** {@code weir} with every subcommand, writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine weir = new CommandLine(new WeirCommand());
        weir.addSubcommand(new CommandLine.HelpCommand());
        weir.addSubcommand(new CommandLine(new LocalCommand(out, err)));
        weir.addSubcommand(new CommandLine(new JobsCommand(out, err)));
        weir.addSubcommand(new CommandLine(new CheckpointsCommand(out, err)));
        weir.addSubcommand(new CommandLine(new SavepointCommand(out, err)));
        weir.addSubcommand(new CommandLine(new StopCommand(out, err)));
        weir.addSubcommand(new CommandLine(new CancelCommand(out, err)));
        // Configured last: picocli copies the settings of a command line into the subcommands it has.
        return CommandLines.configure(weir, out, err);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }
}
