package dev.weir.cli.jobs;

import java.io.PrintStream;

import picocli.CommandLine.Command;

/** {@code weir cancel <job>}: ends the job without a savepoint. */
@Command(name = "cancel", sortOptions = false, usageHelpAutoWidth = true,
        description = "Cancels a running job without a savepoint: it stops at once; its completed checkpoints remain"
                + " (resume with 'weir local --restore latest').",
        footer = {"", "Exit codes: 0 the job is canceling, 1 the coordinator refused or did not answer, 2 bad input."})
public final class CancelCommand extends OneJobCommand {

    public CancelCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() {
        try {
            api.forJob(job).post(JobApiClient.jobPath(job, "cancel"));
            out.println("canceling " + job);
            return 0;
        } catch (JobApiClient.JobApiException e) {
            return failed("cancel", e);
        }
    }
}
