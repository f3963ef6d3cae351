package dev.weir.cli.jobs;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every {@code weir} job command shares: where the API is, its help option, and how a failed call is told. */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    protected ApiOptions api = new ApiOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    protected final PrintStream out;
    protected final PrintStream err;

    ApiCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Says why a call failed, as {@code weir <command>: <message>}; the exit code is 1. */
    protected int failed(String command, JobApiClient.JobApiException e) {
        err.println("weir " + command + ": " + e.getMessage());
        return 1;
    }
}
