package dev.weir.cli.jobs;

import java.io.PrintStream;

import picocli.CommandLine.Parameters;

/** A {@code weir} command about one job, named by its first argument. */
abstract class OneJobCommand extends ApiCommand {

    @Parameters(paramLabel = "<job>", description = "The job's name.")
    protected String job;

    OneJobCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }
}
