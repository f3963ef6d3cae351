package dev.weir.operator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.weir.testing.Podman;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * Runs each pod's worker container with podman, from the image the pod names, as a kubelet would:
 * the pod's command, its variables, its Secret volumes where the pod mounts them, a writable
 * tmpfs for each emptyDir, the pod's security context (user, read-only root file system, dropped
 * capabilities, no privilege escalation) and memory limit. On the host's network, bound to the
 * pod's own loopback address, as a cluster gives each pod its own IP.
 */
final class WorkerContainerRunner implements PodRunner {

    /** What a pod without a memory limit gets: the JVM sizes its heap from it, as in a cluster. */
    private static final String DEFAULT_MEMORY = "768m";

    private final String namePrefix;
    private final String label;
    private final Map<Path, String> readOnlyFiles;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    /**
     * @param namePrefix    container names are this plus the pod's name
     * @param label         set on every container (name=value), to find them after the test
     * @param readOnlyFiles host files mounted into every worker (e.g. a job jar outside the image)
     */
    WorkerContainerRunner(String namePrefix, String label, Map<Path, String> readOnlyFiles) {
        this.namePrefix = namePrefix;
        this.label = label;
        this.readOnlyFiles = Map.copyOf(readOnlyFiles);
    }

    @Override
    public Process start(Pod pod, String ip, Map<String, String> environment, SecretVolumes secrets, Path log)
            throws IOException {
        Container container = pod.getSpec().getContainers().get(0);
        List<String> options = new ArrayList<>(List.of("--network", "host", "--label", label));
        options.addAll(securityOptions(pod.getSpec().getSecurityContext(), container.getSecurityContext()));
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                    .findFirst().orElseThrow();
            if (volume.getEmptyDir() != null) {
                options.addAll(List.of("--tmpfs", mount.getMountPath() + ":rw,exec,mode=1777"));
            }
        }
        secrets.byMountPath().forEach((path, host) -> options.addAll(List.of("--volume", host + ":" + path + ":ro")));
        readOnlyFiles.forEach((file, path) -> options.addAll(List.of("--volume", file + ":" + path + ":ro")));
        options.addAll(List.of("--memory", memory(container)));
        List<String> command = new ArrayList<>(container.getCommand());
        if (container.getArgs() != null) {
            command.addAll(container.getArgs());
        }
        String name = namePrefix + pod.getMetadata().getName();
        names.add(name);
        return Podman.run(name, options, environment, container.getImage(), command, log);
    }

    @Override
    public void kill(String pod, Process process) {
        try {
            Podman.kill(namePrefix + pod);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            Podman.remove(List.copyOf(names));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> securityOptions(PodSecurityContext pod, SecurityContext container) {
        List<String> options = new ArrayList<>();
        if (pod != null && pod.getRunAsUser() != null) {
            options.addAll(List.of("--user", pod.getRunAsUser() + ":" + pod.getRunAsGroup()));
        }
        if (container != null && Boolean.TRUE.equals(container.getReadOnlyRootFilesystem())) {
            options.add("--read-only");
        }
        if (container != null && container.getCapabilities() != null && container.getCapabilities().getDrop() != null) {
            container.getCapabilities().getDrop().forEach(c -> options.addAll(List.of("--cap-drop", c)));
        }
        if (container != null && Boolean.FALSE.equals(container.getAllowPrivilegeEscalation())) {
            options.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        return options;
    }

    private static String memory(Container container) {
        Quantity limit = container.getResources() == null || container.getResources().getLimits() == null ? null
                : container.getResources().getLimits().get("memory");
        return limit == null ? DEFAULT_MEMORY : Quantity.getAmountInBytes(limit).toBigInteger() + "b";
    }
}
