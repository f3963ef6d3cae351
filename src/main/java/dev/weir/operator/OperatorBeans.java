package dev.weir.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.operator.runtime.CoordinatorJobRuntime;
import dev.weir.operator.runtime.JobRuntime;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/** Wires the operator in Quarkus: settings from configuration, the real job runtime with its coordinator server. */
@ApplicationScoped
public class OperatorBeans {

    @ConfigProperty(name = "weir.operator.image", defaultValue = "weir:0.1.0")
    String image;

    /** Workers call this; the chart points it at the operator's coordinator Service. */
    @ConfigProperty(name = "weir.operator.coordinator-url", defaultValue = "http://localhost:6123")
    String coordinatorUrl;

    @ConfigProperty(name = "weir.operator.coordinator-port", defaultValue = "6123")
    int coordinatorPort;

    @ConfigProperty(name = "weir.operator.poll-interval", defaultValue = "PT2S")
    Duration pollInterval;

    @ConfigProperty(name = "weir.operator.heartbeat-timeout", defaultValue = "PT10S")
    Duration heartbeatTimeout;

    @Produces
    @Singleton
    OperatorSettings settings() {
        return new OperatorSettings(image, pollInterval);
    }

    @Produces
    @Singleton
    @DefaultBean
    JobRuntime jobRuntime() {
        try {
            CoordinatorServer server = new CoordinatorServer(new InetSocketAddress("0.0.0.0", coordinatorPort));
            return new CoordinatorJobRuntime(server, coordinatorUrl, heartbeatTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the coordinator server on port " + coordinatorPort, e);
        }
    }

    @ConfigProperty(name = "weir.operator.leader-election.lease-name", defaultValue = "weir-operator-lease")
    String leaseName;

    /**
     * Two operator replicas are safe: only the holder of this Lease reconciles (and so hosts
     * coordinators). QOSDK turns it on in the profiles listed by
     * quarkus.operator-sdk.activate-leader-election-for-profiles (prod by default; the chart's
     * leaderElection.enabled=false names no profile).
     */
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection() {
        return new LeaderElectionConfiguration(leaseName);
    }

    void close(@Disposes JobRuntime runtime) throws Exception {
        if (runtime instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
