package dev.weir.cli.jobs;

import java.io.PrintStream;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

/** {@code weir savepoint <job>}: takes a savepoint; the job goes on. */
@Command(name = "savepoint", sortOptions = false, usageHelpAutoWidth = true,
        description = "Takes a savepoint of a running job, which goes on running, and prints where the savepoint is"
                + " (resume from it with 'weir local --restore <location>' or spec.initialSavepointPath).",
        footer = {"", "Exit codes: 0 taken, 1 the savepoint failed or the coordinator did not answer, 2 bad input."})
public final class SavepointCommand extends OneJobCommand {

    public SavepointCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() {
        try {
            JsonNode savepoint = api.forJob(job).post(JobApiClient.jobPath(job, "savepoints"));
            out.println("savepoint " + savepoint.path("id").asLong() + " of " + job + ": "
                    + savepoint.path("location").asText());
            return 0;
        } catch (JobApiClient.JobApiException e) {
            return failed("savepoint", e);
        }
    }
}
