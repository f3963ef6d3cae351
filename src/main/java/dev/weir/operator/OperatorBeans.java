package dev.weir.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.operator.runtime.CoordinatorJobRuntime;
import dev.weir.operator.runtime.JobRuntime;
import dev.weir.runtime.tls.TransportTls;
import dev.weir.runtime.worker.transport.ControlServerLimits;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Wires the operator in Quarkus: settings from configuration, the coordinator server, the real job
 * runtime, and leader election with the {@link CoordinatorLeadership} that steers workers to the
 * leader.
 */
@ApplicationScoped
public class OperatorBeans {

    @ConfigProperty(name = "weir.operator.image", defaultValue = "weir:0.1.0")
    String image;

    /** Workers call this; the chart points it at the operator's coordinator Service. Default: this process's server. */
    @ConfigProperty(name = "weir.operator.coordinator-url")
    Optional<String> coordinatorUrl;

    @ConfigProperty(name = "weir.operator.coordinator-port", defaultValue = "6123")
    int coordinatorPort;

    /** The address the coordinator server binds: every interface in a pod; loopback where the host's network is shared (the image test). */
    @ConfigProperty(name = "weir.operator.coordinator-host", defaultValue = "0.0.0.0")
    String coordinatorHost;

    /** The operator's TLS Secret, mounted (the chart's tls.secretName): the coordinator serves mutual TLS. */
    @ConfigProperty(name = "weir.operator.tls-dir")
    Optional<String> tlsDirectory;

    /** The TLS Secret every job namespace holds for its workers (the chart's tls.workerSecretName). */
    @ConfigProperty(name = "weir.operator.worker-tls-secret")
    Optional<String> workerTlsSecret;

    @ConfigProperty(name = "weir.operator.poll-interval", defaultValue = "PT2S")
    Duration pollInterval;

    @ConfigProperty(name = "weir.operator.leader-election.enabled", defaultValue = "true")
    boolean leaderElectionEnabled;

    @ConfigProperty(name = "weir.operator.leader-election.lease-name", defaultValue = "weir-operator-lease")
    String leaseName;

    /** The operator's own pod (the chart sets both from the downward API); unset outside a pod. */
    @ConfigProperty(name = "weir.operator.pod-name")
    Optional<String> podName;

    @ConfigProperty(name = "weir.operator.pod-namespace")
    Optional<String> podNamespace;

    @Produces
    @Singleton
    OperatorSettings settings() {
        if (tlsDirectory.isPresent() != workerTlsSecret.isPresent()) {
            throw new IllegalStateException("TLS needs both weir.operator.tls-dir and weir.operator.worker-tls-secret"
                    + " (the chart's tls.secretName and tls.workerSecretName); only one is set");
        }
        return new OperatorSettings(image, pollInterval, workerTlsSecret.orElse(null));
    }

    @Produces
    @Singleton
    CoordinatorServer coordinatorServer() {
        try {
            return new CoordinatorServer(new InetSocketAddress(coordinatorHost, coordinatorPort),
                    ControlServerLimits.coordinator(),
                    tlsDirectory.isEmpty() ? null : TransportTls.fromDirectory(Path.of(tlsDirectory.get())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the coordinator server on " + coordinatorHost + ":"
                    + coordinatorPort, e);
        }
    }

    @Produces
    @Singleton
    @DefaultBean
    JobRuntime jobRuntime(CoordinatorServer server, KubernetesClient client) {
        String url = coordinatorUrl.orElse((server.tls() == null ? "http" : "https") + "://localhost:"
                + server.address().getPort());
        return new CoordinatorJobRuntime(server, url, new ResourceStreamJobActions(client));
    }

    @Produces
    @Singleton
    CoordinatorLeadership leadership(KubernetesClient client, CoordinatorServer server, JobRuntime runtime) {
        Optional<CoordinatorLeadership.OperatorPod> pod = podName.isPresent() && podNamespace.isPresent()
                ? Optional.of(new CoordinatorLeadership.OperatorPod(podNamespace.get(), podName.get()))
                : Optional.empty();
        CoordinatorLeadership leadership = new CoordinatorLeadership(client, pod, server, runtime,
                () -> Quarkus.asyncExit(1));
        leadership.follow();
        return leadership;
    }

    /**
     * Two operator replicas are safe: only the holder of this Lease reconciles and hosts
     * coordinators, and the leadership callbacks steer workers to it. QOSDK uses this bean in the
     * profiles listed by quarkus.operator-sdk.activate-leader-election-for-profiles (prod by
     * default; fixed at build time), so the chart switches it with
     * weir.operator.leader-election.enabled: null here means no leader election.
     *
     * <p>java-operator-sdk is told not to exit on a lost Lease: its System.exit would deadlock
     * when the Lease is released during Quarkus's own shutdown. {@link CoordinatorLeadership}
     * exits instead, when the Lease is lost while running.
     */
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(CoordinatorLeadership leadership) {
        if (!leaderElectionEnabled) {
            return null;
        }
        return new LeaderElectionConfiguration(leaseName, null, LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, podName.orElse(null), leadership.callbacks(),
                false);
    }

    /** Before QOSDK starts the operator (priority 3123): without leader election this replica leads at once. */
    void onStart(@Observes @Priority(3000) StartupEvent event, Operator operator, CoordinatorLeadership leadership) {
        if (operator.getConfigurationService().getLeaderElectionConfiguration().isEmpty()) {
            leadership.lead();
        }
    }

    /** Before QOSDK stops the operator (and with it gives up the Lease). */
    void onStop(@Observes @Priority(2000) ShutdownEvent event, CoordinatorLeadership leadership) {
        leadership.shuttingDown();
    }

    void close(@Disposes JobRuntime runtime) throws Exception {
        if (runtime instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    void close(@Disposes CoordinatorServer server) {
        server.close();
    }
}
