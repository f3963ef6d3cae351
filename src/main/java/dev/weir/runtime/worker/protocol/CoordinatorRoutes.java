package dev.weir.runtime.worker.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The coordinator's URL scheme, {@code /v1/jobs/{job}/attempts/{attempt}/{action}}, in one place
 * for the client that builds paths and the server that parses them.
 */
public final class CoordinatorRoutes {

    public static final String REGISTER = "register";
    public static final String PEERS = "peers";
    public static final String ACK = "ack";
    public static final String DECLINE = "decline";
    public static final String EVENTS = "events";
    public static final String HEARTBEAT = "heartbeat";
    public static final String FAILURE = "failure";
    public static final String PEER_LOST = "peer-lost";

    private CoordinatorRoutes() {}

    public static String attemptPath(String jobName, long attempt, String action) {
        // Job names are DNS labels in Kubernetes, but `weir local` accepts more; encode to be safe.
        String job = URLEncoder.encode(jobName, StandardCharsets.UTF_8).replace("+", "%20");
        return "/v1/jobs/" + job + "/attempts/" + attempt + "/" + action;
    }
}
