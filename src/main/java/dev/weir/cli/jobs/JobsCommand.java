package dev.weir.cli.jobs;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weir jobs}: the running jobs, one line each. */
@Command(name = "jobs", sortOptions = false, usageHelpAutoWidth = true,
        description = "Lists the jobs a coordinator runs: the weir local jobs of --state-dir, or those at --url.",
        footer = {"", "Exit codes: 0 listed, 1 a coordinator did not answer, 2 bad input."})
public final class JobsCommand implements Callable<Integer> {

    @Mixin
    private ApiOptions api = new ApiOptions();

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    private boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final PrintStream out;
    private final PrintStream err;

    public JobsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
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
            err.println("weir jobs: " + e.getMessage());
            return 1;
        }
        if (!json) {
            table.print(out);
        }
        return exit;
    }
}
