package dev.weir.coordinator.rest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.ControlRequest;
import dev.weir.runtime.worker.transport.ControlResponse;
import dev.weir.runtime.worker.transport.HttpStatusException;
import dev.weir.runtime.worker.transport.TextBody;

/**
 * The REST API of the jobs a coordinator runs (docs/rest-api.md): reads need nothing, actions the
 * job's bearer token.
 *
 * <pre>
 * GET  /metrics                      Prometheus metrics of every job (text exposition format)
 * GET  /v1/jobs                       every job, one line each
 * GET  /v1/jobs/{job}                 the overview: state, graph with rates and back-pressure, checkpoints, exceptions
 * GET  /v1/jobs/{job}/checkpoints     checkpoint and savepoint history, newest first
 * POST /v1/jobs/{job}/savepoints      takes a savepoint, answers when it completed
 * POST /v1/jobs/{job}/stop            stops the job with a savepoint (202)
 * POST /v1/jobs/{job}/cancel          cancels the job (202)
 * </pre>
 */
public final class JobRestRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(JobRestRoutes.class);
    /** A savepoint request waits this long for the savepoint; then it answers 504 (the savepoint goes on). */
    static final long SAVEPOINT_WAIT_SECONDS = 600;

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private record Served(RestJob job, BearerToken token) {}

    /** What an action answers: what was asked of which job. */
    public record Accepted(String job, String action) {}

    /** A savepoint the API took. */
    public record Savepoint(long id, String location, long triggerTime, long durationMs, long sizeBytes) {
        static Savepoint of(CompletedCheckpointStats stats) {
            return new Savepoint(stats.checkpointId(), stats.location(), stats.triggerTimestamp(), stats.durationMs(),
                    stats.stateSize());
        }
    }

    public record JobList(List<JobOverview.Summary> jobs) {}

    private final Map<String, Served> jobs = new ConcurrentHashMap<>();
    private final PrometheusJobMetrics metrics = new PrometheusJobMetrics();

    /** Serves {@code job}; its actions need {@code actionToken}. Replaces an earlier one of the same name. */
    public void serve(String jobName, RestJob job, String actionToken) {
        jobs.put(jobName, new Served(job, BearerToken.of(actionToken)));
        metrics.add(jobName, job);
    }

    public void remove(String jobName) {
        jobs.remove(jobName);
        metrics.remove(jobName);
    }

    /** Whether {@code path} is one of these routes (the rest of the server's routes are the workers'). */
    public static boolean matches(List<String> path) {
        return path.equals(List.of("metrics")) || path.size() >= 2 && path.size() <= 4 && path.get(0).equals("v1") && path.get(1).equals("jobs");
    }

    public ControlResponse handle(ControlRequest request) {
        List<String> path = request.pathSegments();
        if (path.size() == 1) {
            request.requireMethod("GET");
            return ControlResponse.ok(new TextBody(PROMETHEUS_TEXT, metrics.scrape()));
        }
        if (path.size() == 2) {
            request.requireMethod("GET");
            return ControlResponse.ok(new JobList(jobs.values().stream().map(s -> s.job().overview().summary())
                    .sorted(java.util.Comparator.comparing(JobOverview.Summary::name)).toList()));
        }
        String jobName = path.get(2);
        Served served = jobs.get(jobName);
        if (served == null) {
            throw HttpStatusException.notFound("unknown job " + jobName);
        }
        if (path.size() == 3) {
            request.requireMethod("GET");
            return ControlResponse.ok(served.job().overview());
        }
        String what = path.get(3);
        if (what.equals("checkpoints")) {
            request.requireMethod("GET");
            return ControlResponse.ok(Map.of("checkpoints", served.job().checkpoints()));
        }
        request.requireMethod("POST");
        request.authorize(served.token());
        try {
            return act(request, served.job(), jobName, what);
        } catch (RestJob.ActionRefused e) {
            throw new HttpStatusException(409, e.getMessage());
        }
    }

    private static ControlResponse act(ControlRequest request, RestJob job, String jobName, String what) {
        switch (what) {
            case "savepoints":
                LOG.info("job {}: savepoint requested through the REST API by {}", jobName, request.remoteAddress());
                return ControlResponse.ok(Savepoint.of(await(job, jobName)));
            case "stop":
                LOG.info("job {}: stop with savepoint requested through the REST API by {}", jobName,
                        request.remoteAddress());
                job.stopWithSavepoint();
                return new ControlResponse(202, new Accepted(jobName, "stop"));
            case "cancel":
                LOG.info("job {}: cancel requested through the REST API by {}", jobName, request.remoteAddress());
                job.cancel();
                return new ControlResponse(202, new Accepted(jobName, "cancel"));
            default:
                throw HttpStatusException.notFound("no route " + request.rawPath());
        }
    }

    private static CompletedCheckpointStats await(RestJob job, String jobName) {
        try {
            return job.triggerSavepoint().get(SAVEPOINT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new HttpStatusException(409, "savepoint of job " + jobName + " failed: "
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        } catch (TimeoutException e) {
            throw new HttpStatusException(504, "savepoint of job " + jobName + " not complete after "
                    + SAVEPOINT_WAIT_SECONDS + " s; it goes on (see GET /v1/jobs/" + jobName + "/checkpoints)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpStatusException(503, "interrupted");
        }
    }
}
