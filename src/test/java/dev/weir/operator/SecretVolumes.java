package dev.weir.operator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The Secret volumes a pod's container mounts, written out as a kubelet does before it starts the
 * container: one directory per volume, one file per key (or per {@code items} entry, at its
 * {@code path}). A missing Secret that is not {@code optional} keeps the pod from starting, as the
 * kubelet's FailedMount does. File modes stay the host's default: the workers run as this user.
 *
 * @param byMountPath each Secret mount's path in the container and the host directory (or, for a
 *     {@code subPath} mount, file) that holds what is mounted there
 */
record SecretVolumes(Map<String, Path> byMountPath) {

    SecretVolumes {
        byMountPath = Map.copyOf(byMountPath);
    }

    /** Writes the Secret volumes that {@code container} of {@code pod} mounts into {@code podDir}. */
    static SecretVolumes write(KubernetesClient client, Pod pod, Container container, Path podDir) throws IOException {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, Path> mounts = new LinkedHashMap<>();
        Set<String> written = new HashSet<>();
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            Optional<SecretVolumeSource> source = pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName())).findFirst().map(Volume::getSecret);
            if (source.isEmpty()) {
                continue;
            }
            Path volumeDir = podDir.resolve(mount.getName());
            if (written.add(mount.getName())) {
                writeVolume(client.secrets().inNamespace(namespace).withName(source.get().getSecretName()).get(),
                        source.get(), volumeDir);
            }
            String subPath = mount.getSubPath();
            mounts.put(mount.getMountPath(), subPath == null || subPath.isEmpty() ? volumeDir : volumeDir.resolve(subPath));
        }
        return new SecretVolumes(mounts);
    }

    private static void writeVolume(Secret secret, SecretVolumeSource source, Path directory) throws IOException {
        Files.createDirectories(directory);
        if (secret == null) {
            if (Boolean.TRUE.equals(source.getOptional())) {
                return;
            }
            throw new IOException("MountVolume.SetUp failed: secret \"" + source.getSecretName() + "\" not found");
        }
        Map<String, byte[]> data = data(secret);
        if (source.getItems() == null || source.getItems().isEmpty()) {
            for (Map.Entry<String, byte[]> key : data.entrySet()) {
                Files.write(directory.resolve(key.getKey()), key.getValue());
            }
            return;
        }
        for (KeyToPath item : source.getItems()) {
            if (!data.containsKey(item.getKey())) {
                throw new IOException("MountVolume.SetUp failed: secret \"" + source.getSecretName() + "\" has no key \""
                        + item.getKey() + "\"");
            }
            Path file = directory.resolve(item.getPath());
            Files.createDirectories(file.getParent());
            Files.write(file, data.get(item.getKey()));
        }
    }

    /** {@code data} decoded, then {@code stringData} (the mock API server keeps what it was given). */
    private static Map<String, byte[]> data(Secret secret) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    /**
     * {@code environment} for a worker that shares the host's file system: every value that names a
     * mount path, or a file below one, names the host directory written for it instead.
     */
    Map<String, String> onHost(Map<String, String> environment) {
        Map<String, String> rewritten = new LinkedHashMap<>(environment);
        rewritten.replaceAll((name, value) -> value == null ? null : onHost(value));
        return rewritten;
    }

    private String onHost(String value) {
        // The deepest mount wins, as it hides what a shallower one has at its path.
        List<Map.Entry<String, Path>> deepestFirst = byMountPath.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, Path> m) -> m.getKey().length()).reversed()).toList();
        for (Map.Entry<String, Path> mount : deepestFirst) {
            String path = mount.getKey();
            if (value.equals(path)) {
                return mount.getValue().toString();
            }
            if (value.startsWith(path + "/")) {
                return mount.getValue().resolve(value.substring(path.length() + 1)).toString();
            }
        }
        return value;
    }
}
