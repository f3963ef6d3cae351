package dev.weir.cli.jobs;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir checkpoints <job>}: the job's checkpoints and savepoints, newest first. */
@Command(name = "checkpoints", sortOptions = false, usageHelpAutoWidth = true,
        description = "Lists a running job's checkpoints and savepoints, newest first: id, type, status, trigger time"
                + " (UTC), duration, size, and where it is or why it failed.",
        footer = {"", "Exit codes: 0 listed, 1 the job's coordinator did not answer, 2 bad input."})
public final class CheckpointsCommand extends OneJobCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    private boolean json;

    public CheckpointsCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() {
        JsonNode history;
        try {
            history = api.forJob(job).get(JobApiClient.jobPath(job, "checkpoints"));
        } catch (JobApiClient.JobApiException e) {
            return failed("checkpoints", e);
        }
        if (json) {
            out.println(history);
            return 0;
        }
        Table table = new Table("ID", "TYPE", "STATUS", "TRIGGERED (UTC)", "DURATION", "SIZE", "LOCATION / FAILURE");
        for (JsonNode c : history.path("checkpoints")) {
            String where = c.hasNonNull("location") ? c.get("location").asText()
                    : c.hasNonNull("failureReason") ? c.get("failureReason").asText() + ": "
                    + c.path("failureMessage").asText() : "";
            table.row(c.path("id").asText(), c.path("type").asText(), c.path("status").asText(),
                    TIME.format(Instant.ofEpochMilli(c.path("triggerTime").asLong())),
                    c.path("durationMs").asLong() + " ms", Table.bytes(c.path("sizeBytes").asLong()), where);
        }
        table.print(out);
        return 0;
    }
}
