package dev.weir.coordinator.remote;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.AttemptEndpoint;
import dev.weir.coordinator.RegistrationConflictException;
import dev.weir.coordinator.StaleAttemptException;
import dev.weir.coordinator.rest.DashboardFiles;
import dev.weir.coordinator.rest.JobRestRoutes;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.ControlPlaneJson;
import dev.weir.runtime.worker.protocol.CoordinatorRoutes;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.BearerToken;
import dev.weir.runtime.worker.transport.ControlHttpServer;
import dev.weir.runtime.worker.transport.ControlRequest;
import dev.weir.runtime.worker.transport.ControlResponse;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import dev.weir.runtime.worker.transport.HttpStatusException;

/**
 * The coordinator process's control endpoint, shared by every job it runs: workers call
 * {@code /v1/jobs/{job}/attempts/{attempt}/{action}} and the request goes, after the job's token
 * is checked, to that job's {@link AttemptEndpoint}.
 *
 * <p>A request for a job this process does not serve and one without that job's token get the
 * same answer (404, same body): without a token nobody learns which job names exist. Workers
 * take a 404 as "not (yet) served here" and keep trying, as after an operator's takeover.
 */
public final class CoordinatorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorServer.class);

    private record Job(BearerToken token, AttemptEndpoint endpoint) {}

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ControlHttpServer server;
    private final TransportTls tls;
    private volatile String refusal;
    private volatile JobRestRoutes restApi;
    private final DashboardFiles dashboard = new DashboardFiles();

    /** Starts serving plain HTTP on {@code bind}; port 0 picks a free port (see {@link #baseUri()}). */
    public CoordinatorServer(InetSocketAddress bind) throws IOException {
        this(bind, ControlServerLimits.coordinator(), null);
    }

    /**
     * Starts serving on {@code bind}, over TLS with {@code tls} (mutual: workers show certificates
     * of the same CA), or plain HTTP if null. The coordinator calls its workers with the same
     * certificate ({@link #tls()}).
     */
    public CoordinatorServer(InetSocketAddress bind, ControlServerLimits limits, TransportTls tls) throws IOException {
        ControlPlaneJson.warmUpInBackground();
        this.tls = tls;
        this.server = ControlHttpServer.start("coordinator", bind, limits, tls == null ? null : tls.context(),
                this::route);
    }

    /** The TLS material this endpoint serves with, and its jobs' workers are called with; null when plain. */
    public TransportTls tls() {
        return tls;
    }

    /** Serves {@code jobName} from now on; replaces an earlier registration of the same job (new token too). */
    public void register(String jobName, String token, AttemptEndpoint endpoint) {
        jobs.put(jobName, new Job(BearerToken.of(token), endpoint));
        LOG.info("job {}: control endpoint registered", jobName);
    }

    /**
     * Answers every request with 503 and {@code reason} until {@link #serve()}: an operator replica
     * that is not the leader hosts no coordinator, and must say so rather than take a worker's
     * heartbeat or acknowledgement as if it were. Workers retry a 503 on a new connection.
     */
    public void refuse(String reason) {
        refusal = reason;
    }

    /**
     * Serves the jobs' REST API (docs/rest-api.md) and the dashboard that shows it (docs/dashboard.md)
     * beside the workers' routes, from now on.
     */
    public void serveRestApi(JobRestRoutes routes) {
        this.restApi = routes;
    }

    public void serve() {
        refusal = null;
    }

    public void unregister(String jobName) {
        if (jobs.remove(jobName) != null) {
            LOG.info("job {}: control endpoint unregistered", jobName);
        }
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** What workers are given as their coordinator URL. */
    public URI baseUri() {
        return server.baseUri();
    }

    private ControlResponse route(ControlRequest request) {
        String refused = refusal;
        if (refused != null) {
            throw new HttpStatusException(503, refused);
        }
        List<String> path = request.pathSegments();
        JobRestRoutes rest = restApi;
        if (rest != null && JobRestRoutes.matches(path)) {
            return rest.handle(request);
        }
        if (rest != null && DashboardFiles.matches(path)) {
            return dashboard.handle(request);
        }
        if (path.size() != 6 || !path.get(0).equals("v1") || !path.get(1).equals("jobs")
                || !path.get(3).equals("attempts")) {
            throw HttpStatusException.notFound("no route " + request.rawPath());
        }
        String jobName = path.get(2);
        Job job = jobs.get(jobName);
        if (job == null || !request.presents(job.token())) {
            throw request.unauthorized(404, "bearer token for job " + jobName + ", or no such job here", job != null);
        }
        long attempt = parseAttempt(path.get(4));
        try {
            return dispatch(request, job.endpoint(), jobName, attempt, path.get(5));
        } catch (StaleAttemptException e) {
            throw new HttpStatusException(410, e.getMessage());
        } catch (RegistrationConflictException e) {
            throw new HttpStatusException(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw HttpStatusException.badRequest(e.getMessage());
        }
    }

    private static ControlResponse dispatch(ControlRequest request, AttemptEndpoint endpoint, String jobName,
                                            long attempt, String action) {
        switch (action) {
            case CoordinatorRoutes.REGISTER: {
                request.requireMethod("POST");
                WorkerRegistration registration = request.body(WorkerRegistration.class);
                if (!registration.jobName().equals(jobName)) {
                    throw HttpStatusException.badRequest("registration for job " + registration.jobName()
                            + " sent to job " + jobName);
                }
                requireSameAttempt(attempt, registration.attempt());
                return ControlResponse.ok(endpoint.register(registration));
            }
            case CoordinatorRoutes.PEERS:
                request.requireMethod("GET");
                return ControlResponse.ok(endpoint.peers(attempt));
            case CoordinatorRoutes.ACK: {
                request.requireMethod("POST");
                Acknowledge ack = request.body(Acknowledge.class);
                requireSameAttempt(attempt, ack.attempt());
                endpoint.acknowledge(ack);
                return ControlResponse.noContent();
            }
            case CoordinatorRoutes.DECLINE: {
                request.requireMethod("POST");
                Decline decline = request.body(Decline.class);
                requireSameAttempt(attempt, decline.attempt());
                endpoint.decline(decline);
                return ControlResponse.noContent();
            }
            case CoordinatorRoutes.EVENTS: {
                request.requireMethod("POST");
                TaskEvent event = request.body(TaskEvent.class);
                requireSameAttempt(attempt, event.attempt());
                endpoint.taskEvent(event);
                return ControlResponse.noContent();
            }
            case CoordinatorRoutes.HEARTBEAT: {
                request.requireMethod("POST");
                Heartbeat heartbeat = request.body(Heartbeat.class);
                requireSameAttempt(attempt, heartbeat.attempt());
                return ControlResponse.ok(endpoint.heartbeat(heartbeat));
            }
            case CoordinatorRoutes.FAILURE: {
                request.requireMethod("POST");
                WorkerFailure failure = request.body(WorkerFailure.class);
                requireSameAttempt(attempt, failure.attempt());
                endpoint.workerFailed(failure);
                return ControlResponse.noContent();
            }
            case CoordinatorRoutes.PEER_LOST: {
                request.requireMethod("POST");
                PeerLost report = request.body(PeerLost.class);
                requireSameAttempt(attempt, report.attempt());
                endpoint.peerLost(report);
                return ControlResponse.noContent();
            }
            default:
                throw HttpStatusException.notFound("no action " + action);
        }
    }

    /** The URL's attempt decides staleness, so a body claiming another one is a broken client. */
    private static void requireSameAttempt(long inPath, long inBody) {
        if (inPath != inBody) {
            throw HttpStatusException.badRequest("message for attempt " + inBody + " sent to attempt " + inPath);
        }
    }

    private static long parseAttempt(String segment) {
        try {
            return Long.parseLong(segment);
        } catch (NumberFormatException e) {
            throw HttpStatusException.badRequest("attempt must be a number, not " + segment);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
