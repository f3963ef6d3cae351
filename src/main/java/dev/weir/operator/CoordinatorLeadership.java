package dev.weir.operator;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.operator.runtime.JobRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;

/**
 * Which operator replica the workers reach. Only the Lease holder reconciles and so hosts the
 * checkpoint coordinators, and workers call them through one Service: that Service selects the
 * pod labelled {@value #LEADER_LABEL}{@code =true}, and this class keeps the label on the
 * leader's pod alone. A replica that is not the leader refuses every worker request with 503 and
 * a message saying so (on a closing connection, so the worker's retry goes through the Service
 * again), and acts on no reconcile.
 *
 * <p>Losing the Lease is final for the process: it stops coordinating without disturbing the
 * workers (the next leader re-attaches to them), takes its label off and exits, so a fresh
 * process rejoins as a follower.
 */
public final class CoordinatorLeadership {

    public static final String LEADER_LABEL = "weir.dev/coordinator-leader";
    static final String NOT_LEADER = "this operator replica is not the leader and hosts no checkpoint coordinator;"
            + " the operator's Service should route to the pod labelled " + LEADER_LABEL + "=true";

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLeadership.class);
    /** How often the leader checks that its pod still carries the label (an edit or a failed patch may have lost it). */
    private static final long LABEL_CHECK_SECONDS = 30;

    /** The operator's own pod, from the downward API. */
    public record OperatorPod(String namespace, String name) {}

    private final KubernetesClient client;
    private final Optional<OperatorPod> pod;
    private final CoordinatorServer server;
    private final JobRuntime runtime;
    private final Runnable exitProcess;
    private final ScheduledExecutorService labelling = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weir-coordinator-leader-label");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> labelCheck;
    private volatile boolean leading;
    private volatile boolean shuttingDown;

    /**
     * @param pod         empty when the operator runs outside a pod (a developer's machine): then
     *                    there is no Service to steer and no label to set
     * @param exitProcess ends the process after the Lease was lost (never called while it shuts down anyway)
     */
    public CoordinatorLeadership(KubernetesClient client, Optional<OperatorPod> pod, CoordinatorServer server,
                                 JobRuntime runtime, Runnable exitProcess) {
        this.client = client;
        this.pod = pod;
        this.server = server;
        this.runtime = runtime;
        this.exitProcess = exitProcess;
    }

    public boolean leading() {
        return leading;
    }

    /**
     * Before any election: refuse workers and take the label off this pod, which still carries it
     * when this container is a restarted former leader.
     */
    public synchronized void follow() {
        leading = false;
        server.refuse(NOT_LEADER);
        pod.ifPresent(own -> setLabel(own.name(), own.namespace(), false));
    }

    /** This replica won the Lease (or runs alone): serve workers, and steer the Service to this pod. */
    public synchronized void lead() {
        server.serve();
        // Leading before the label steers the Service here: whoever sees the label sees a leader.
        leading = true;
        pod.ifPresent(own -> {
            for (Pod other : client.pods().inNamespace(own.namespace()).withLabel(LEADER_LABEL, "true").list().getItems()) {
                if (!other.getMetadata().getName().equals(own.name())) {
                    // A former leader that could not clean up (killed, node lost) must not get worker traffic.
                    setLabel(other.getMetadata().getName(), own.namespace(), false);
                }
            }
            setLabel(own.name(), own.namespace(), true);
            labelCheck = labelling.scheduleWithFixedDelay(this::keepLabel, LABEL_CHECK_SECONDS, LABEL_CHECK_SECONDS,
                    TimeUnit.SECONDS);
        });
        LOG.info("operator {} leads: it hosts the checkpoint coordinators", describe());
    }

    /** The Lease is gone (lost, or released as the operator stops). */
    public synchronized void stopLeading() {
        leading = false;
        server.refuse(NOT_LEADER);
        if (labelCheck != null) {
            labelCheck.cancel(false);
        }
        runtime.detachAll();
        pod.ifPresent(own -> setLabel(own.name(), own.namespace(), false));
        if (shuttingDown) {
            LOG.info("operator {} released the leadership as it stops; its jobs' workers keep running", describe());
        } else {
            LOG.warn("operator {} lost the leadership; it exits and rejoins as a follower", describe());
            exitProcess.run();
        }
    }

    /** The process is stopping: giving up the Lease now is part of that, not a reason to exit. */
    public void shuttingDown() {
        shuttingDown = true;
    }

    /** For java-operator-sdk's leader election; they run before it starts or after it stops reconciling. */
    public LeaderCallbacks callbacks() {
        return new LeaderCallbacks(this::lead, this::stopLeading,
                leader -> LOG.info("the operator leader is now {}", leader));
    }

    private void keepLabel() {
        pod.ifPresent(own -> {
            if (!leading) {
                return;
            }
            try {
                Pod current = client.pods().inNamespace(own.namespace()).withName(own.name()).get();
                Map<String, String> labels = current == null ? null : current.getMetadata().getLabels();
                if (current != null && (labels == null || !"true".equals(labels.get(LEADER_LABEL)))) {
                    setLabel(own.name(), own.namespace(), true);
                }
            } catch (KubernetesClientException e) {
                LOG.warn("cannot check the leader label on pod {}: {}", own.name(), e.getMessage());
            }
        });
    }

    private void setLabel(String name, String namespace, boolean on) {
        try {
            client.pods().inNamespace(namespace).withName(name).edit(p -> {
                if (on) {
                    if (p.getMetadata().getLabels() == null) {
                        p.getMetadata().setLabels(new java.util.LinkedHashMap<>());
                    }
                    p.getMetadata().getLabels().put(LEADER_LABEL, "true");
                } else if (p.getMetadata().getLabels() != null) {
                    p.getMetadata().getLabels().remove(LEADER_LABEL);
                }
                return p;
            });
            LOG.info("pod {}: {} {}", name, on ? "labelled" : "unlabelled", LEADER_LABEL);
        } catch (KubernetesClientException e) {
            LOG.warn("cannot {} pod {} as coordinator leader: {}", on ? "label" : "unlabel", name, e.getMessage());
        }
    }

    private String describe() {
        return pod.map(OperatorPod::name).orElse("(not in a pod)");
    }
}
