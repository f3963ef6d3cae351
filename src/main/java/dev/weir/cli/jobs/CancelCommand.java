package dev.weir.cli.jobs;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir cancel <job>}: ends the job without a savepoint. */
@Command(name = "cancel", sortOptions = false, usageHelpAutoWidth = true,
        description = "Cancels a running job without a savepoint: it stops at once; its completed checkpoints remain"
                + " (resume with 'weir local --restore latest').",
        footer = {"", "Exit codes: 0 the job is canceling, 1 the coordinator refused or did not answer, 2 bad input."})
public final class CancelCommand implements Callable<Integer> {

    @Parameters(paramLabel = "<job>", description = "The job's name.")
    private String job;

    @Mixin
    private ApiOptions api = new ApiOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final PrintStream out;
    private final PrintStream err;

    public CancelCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        try {
            api.forJob(job).post(JobApiClient.jobPath(job, "cancel"));
            out.println("canceling " + job);
            return 0;
        } catch (JobApiClient.JobApiException e) {
            err.println("weir cancel: " + e.getMessage());
            return 1;
        }
    }
}
