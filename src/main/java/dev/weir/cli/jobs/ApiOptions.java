package dev.weir.cli.jobs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import dev.weir.local.RestEndpointFile;
import picocli.CommandLine.Option;

/**
 * Where the {@code weir} job commands find a job's REST API: {@code --url} (the operator's endpoint,
 * or a weir local's) with {@code --token} for actions, or else the endpoint files a {@code weir local}
 * writes into its {@code --state-dir}.
 */
final class ApiOptions {

    static final String TOKEN_VARIABLE = "WEIR_REST_TOKEN";

    @Option(names = "--url", paramLabel = "URL",
            description = "The coordinator's REST API, e.g. http://127.0.0.1:8081. Default: the weir local jobs"
                    + " of --state-dir.")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token of the actions with --url. Default:"
            + " the " + TOKEN_VARIABLE + " environment variable.")
    String token;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "weir-state",
            description = "The --state-dir of weir local. Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    /** Every endpoint to ask for a list of jobs. */
    List<JobApiClient> all() throws JobApiClient.JobApiException {
        if (url != null) {
            return List.of(new JobApiClient(url, token()));
        }
        return endpoints().stream().map(e -> new JobApiClient(e.url(), e.token())).toList();
    }

    /** The endpoint serving {@code job}. */
    JobApiClient forJob(String job) throws JobApiClient.JobApiException {
        if (url != null) {
            return new JobApiClient(url, token());
        }
        for (RestEndpointFile endpoint : endpoints()) {
            if (endpoint.job().equals(job)) {
                return new JobApiClient(endpoint.url(), endpoint.token());
            }
        }
        throw new JobApiClient.JobApiException("no running job " + job + " in " + stateDir.toAbsolutePath()
                + " (pass --state-dir of its weir local, or --url)");
    }

    private String token() {
        return token != null ? token : System.getenv(TOKEN_VARIABLE);
    }

    private List<RestEndpointFile> endpoints() throws JobApiClient.JobApiException {
        try {
            return RestEndpointFile.read(stateDir);
        } catch (IOException e) {
            throw new JobApiClient.JobApiException("cannot read the jobs of " + stateDir + ": " + e.getMessage());
        }
    }
}
