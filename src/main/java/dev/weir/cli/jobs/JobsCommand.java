package dev.weir.cli.jobs;

import java.io.PrintStream;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir jobs}: the running jobs, one line each. */
@Command(name = "jobs", sortOptions = false, usageHelpAutoWidth = true,
        description = "Lists the jobs a coordinator runs: the weir local jobs of --state-dir, or those at --url.",
        footer = {"", "Exit codes: 0 listed, 1 a coordinator did not answer, 2 bad input."})
public final class JobsCommand extends ApiCommand {

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    private boolean json;

    public JobsCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() {
        int exit = 0;
        Table table = new Table("NAME", "STATE", "ATTEMPT", "RESTARTS", "UPTIME");
        try {
            for (JobApiClient client : api.all()) {
                try {
                    JsonNode jobs = client.get("/v1/jobs");
                    if (json) {
                        out.println(jobs);
                        continue;
                    }
                    for (JsonNode job : jobs.path("jobs")) {
                        table.row(job.path("name").asText(), job.path("state").asText(), job.path("attempt").asText(),
                                job.path("restarts").asText(), Table.duration(job.path("uptimeMs").asLong()));
                    }
                } catch (JobApiClient.JobApiException e) {
                    err.println("weir jobs: " + e.getMessage());
                    exit = 1;
                }
            }
        } catch (JobApiClient.JobApiException e) {
            return failed("jobs", e);
        }
        if (!json) {
            table.print(out);
        }
        return exit;
    }
}
