package dev.weir.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.operator.resources.WorkerPodDesired;
import dev.weir.runtime.worker.WorkerVariable;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays the kubelet for the mock API server: starts every pod the operator creates through a
 * {@link PodRunner} (a worker process of this build, or a container of the image) with the pod's
 * environment, on its own loopback address as a cluster gives each pod its own IP, reports the
 * pod's phase, and kills the worker when the pod is deleted. Secret references, {@code envFrom}
 * and Secret volumes (the job token, the worker TLS Secret, any the pod template adds) are
 * resolved from the Secrets and ConfigMaps in the API server, as the kubelet would; a worker that
 * exits with an error leaves its log's tail as the container's termination message.
 */
public final class KubeletHarness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletHarness.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Path dir;
    private final PodRunner runner;
    private final String ipPrefix;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
    /** Why each pod that could not start yet did not, to log each reason once. */
    private final Map<String, String> waiting = new ConcurrentHashMap<>();
    /** When each pod's worker was first seen dead (System.nanoTime), for {@link #reportExitsAfter}. */
    private final Map<String, Long> seenDead = new ConcurrentHashMap<>();
    private volatile long exitReportDelayNanos;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubelet");
        t.setDaemon(true);
        return t;
    });
    private int nextIp = 10;

    /** Pods run as worker processes of this build, on 127.0.0.10 and up. */
    public KubeletHarness(KubernetesClient client, String namespace, Path dir) {
        this(client, namespace, dir, new WorkerProcessRunner(), "127.0.0.");
    }

    /** Pods run through {@code runner}, on {@code ipPrefix}10 and up (a prefix such as "127.0.42."). */
    KubeletHarness(KubernetesClient client, String namespace, Path dir, PodRunner runner, String ipPrefix) {
        this.client = client;
        this.namespace = namespace;
        this.dir = dir;
        this.runner = runner;
        this.ipPrefix = ipPrefix;
        loop.scheduleWithFixedDelay(this::syncSafely, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** SIGKILLs the worker of {@code pod}: the pod then reports Failed, as after a crash. */
    public void killProcess(String pod) {
        runner.kill(pod, processes.get(pod));
    }

    /**
     * Reports a pod's end {@code delay} after its worker died, as a kubelet that is slow or cut off
     * from the API server does: meanwhile the pod still shows Running.
     */
    void reportExitsAfter(java.time.Duration delay) {
        exitReportDelayNanos = delay.toNanos();
    }

    /** The process id of {@code pod}'s worker: the same id later means the worker was never restarted. */
    long pid(String pod) {
        return processes.get(pod).pid();
    }

    Set<String> runningPods() {
        return processes.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private void syncSafely() {
        try {
            sync();
        } catch (Exception e) {
            LOG.warn("kubelet sync failed: {}", e.toString());
        }
    }

    private void sync() throws IOException {
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
        Set<String> names = pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        for (String name : new ArrayList<>(processes.keySet())) {
            if (!names.contains(name)) {
                runner.kill(name, processes.remove(name));
                reported.remove(name);
                seenDead.remove(name);
            }
        }
        waiting.keySet().retainAll(names);
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            Process process = processes.get(name);
            if (process == null && (pod.getStatus() == null || pod.getStatus().getPhase() == null)) {
                launchOrWait(pod);
            } else if (process != null && !process.isAlive()
                    && System.nanoTime() - seenDead.computeIfAbsent(name, n -> System.nanoTime()) >= exitReportDelayNanos
                    && reported.putIfAbsent(name, true) == null) {
                int exit = process.exitValue();
                String ip = pod.getStatus().getPodIP();
                String message = terminationMessage(pod, exit);
                client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                    p.setStatus(new PodStatusBuilder().withPhase(exit == 0 ? "Succeeded" : "Failed").withPodIP(ip)
                            .addNewContainerStatus().withName(WorkerPodDesired.CONTAINER).withNewState()
                            .withNewTerminated().withExitCode(exit).withMessage(message).endTerminated().endState()
                            .endContainerStatus().build());
                    return p;
                });
            }
        }
    }

    /** The worker log's tail when the container exited with an error and its policy asks for it; else none. */
    private String terminationMessage(Pod pod, int exit) throws IOException {
        Container worker = pod.getSpec().getContainers().get(0);
        if (exit == 0 || !FallbackTerminationMessage.POLICY.equals(worker.getTerminationMessagePolicy())) {
            return null;
        }
        String message = FallbackTerminationMessage.of(log(pod.getMetadata().getName()));
        return message.isEmpty() ? null : message;
    }

    private Path log(String pod) {
        return dir.resolve(pod + ".log");
    }

    /** A pod that cannot start yet (a Secret not there) is tried again on the next sync; each reason is logged once. */
    private void launchOrWait(Pod pod) {
        String name = pod.getMetadata().getName();
        try {
            launch(pod);
            waiting.remove(name);
        } catch (IOException | RuntimeException e) {
            if (!e.toString().equals(waiting.put(name, e.toString()))) {
                LOG.warn("pod {} cannot start yet: {}", name, e.toString());
            }
        }
    }

    private void launch(Pod pod) throws IOException {
        String name = pod.getMetadata().getName();
        Container worker = pod.getSpec().getContainers().get(0);
        // Before the pod gets an IP: a Secret that is not there yet keeps it from starting (FailedMount).
        SecretVolumes secrets = SecretVolumes.write(client, pod, worker, dir.resolve(name + ".volumes"));
        String ip = ipPrefix + nextIp++;
        Map<String, String> env = new LinkedHashMap<>();
        // As the kubelet does: envFrom first, then env, which wins over it.
        for (EnvFromSource from : worker.getEnvFrom() == null ? List.<EnvFromSource>of() : worker.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            data(from).forEach((key, value) -> env.put(prefix + key, value));
        }
        for (EnvVar var : worker.getEnv()) {
            env.put(var.getName(), resolve(pod, var, ip));
        }
        // Every pod binds 0.0.0.0 with the same ports in its own network namespace; here, its own loopback address.
        env.put(WorkerVariable.BIND_ADDRESS.envName(), ip);
        processes.put(name, runner.start(pod, ip, env, secrets, log(name)));
        client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).build());
            return p;
        });
    }

    private String resolve(Pod pod, EnvVar var, String ip) {
        if (var.getValueFrom() == null) {
            return var.getValue();
        }
        if (var.getValueFrom().getFieldRef() != null) {
            return ip;
        }
        var ref = var.getValueFrom().getSecretKeyRef();
        return value(client.secrets().inNamespace(namespace).withName(ref.getName()).get(), ref.getKey());
    }

    /** Every key of the Secret or ConfigMap an envFrom names. */
    private Map<String, String> data(EnvFromSource from) {
        Map<String, String> data = new java.util.LinkedHashMap<>();
        if (from.getSecretRef() != null) {
            Secret secret = client.secrets().inNamespace(namespace).withName(from.getSecretRef().getName()).get();
            if (secret.getData() != null) {
                secret.getData().keySet().forEach(key -> data.put(key, value(secret, key)));
            }
            if (secret.getStringData() != null) {
                data.putAll(secret.getStringData());
            }
        } else if (from.getConfigMapRef() != null) {
            data.putAll(client.configMaps().inNamespace(namespace).withName(from.getConfigMapRef().getName()).get()
                    .getData());
        }
        return data;
    }

    private static String value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData().get(key);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
    }
}
