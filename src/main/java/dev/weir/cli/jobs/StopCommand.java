package dev.weir.cli.jobs;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weir stop <job> --savepoint}: stops the job after a savepoint and prints where it is. */
@Command(name = "stop", sortOptions = false, usageHelpAutoWidth = true,
        description = "Stops a running job after a savepoint, waits for the savepoint and prints where it is (resume"
                + " from it with 'weir local --restore <location>'). If the savepoint fails, the job is canceled.",
        footer = {"", "Exit codes: 0 stopped with a savepoint, 1 it was not (see the message), 2 bad input."})
public final class StopCommand extends OneJobCommand {

    private static final long POLL_MS = 200;

    @Spec
    private CommandSpec spec;

    @Option(names = "--savepoint", description = "Take a savepoint before stopping (required: to stop without one,"
            + " use 'weir cancel').")
    private boolean savepoint;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for the savepoint. Default: ${DEFAULT-VALUE}.")
    private long waitSeconds;

    public StopCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!savepoint) {
            throw new ParameterException(spec.commandLine(), "stopping takes a savepoint: pass --savepoint (or use"
                    + " 'weir cancel <job>' to stop without one)");
        }
        JobApiClient client;
        long previous;
        try {
            client = api.forJob(job);
            previous = latestSavepointId(client.get(JobApiClient.jobPath(job)));
            client.post(JobApiClient.jobPath(job, "stop"));
        } catch (JobApiClient.JobApiException e) {
            return failed("stop", e);
        }
        err.println("weir stop: stopping " + job + " with a savepoint...");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        String lastState = "unknown";
        while (System.nanoTime() < deadline) {
            JsonNode overview;
            try {
                overview = client.get(JobApiClient.jobPath(job));
            } catch (JobApiClient.JobApiException e) {
                // weir local exits once the job stopped; its summary line has the savepoint.
                err.println("weir stop: " + job + " is gone before its savepoint was seen here (last state "
                        + lastState + "); weir local's output names the savepoint");
                return 1;
            }
            lastState = overview.path("state").asText();
            JsonNode latest = overview.path("checkpoints").path("latestSavepoint");
            if (latest.hasNonNull("id") && latest.get("id").asLong() > previous) {
                out.println("savepoint " + latest.get("id").asLong() + " of " + job + ": "
                        + latest.path("location").asText());
                return 0;
            }
            if (lastState.equals("CANCELED") || lastState.equals("FAILED") || lastState.equals("FINISHED")) {
                err.println("weir stop: " + job + " ended " + lastState + " without a new savepoint");
                return 1;
            }
            Thread.sleep(POLL_MS);
        }
        err.println("weir stop: no savepoint of " + job + " within " + waitSeconds + " s (state " + lastState + ")");
        return 1;
    }

    private static long latestSavepointId(JsonNode overview) {
        JsonNode latest = overview.path("checkpoints").path("latestSavepoint");
        return latest.hasNonNull("id") ? latest.get("id").asLong() : Long.MIN_VALUE;
    }
}
