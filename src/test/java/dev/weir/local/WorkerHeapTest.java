package dev.weir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.api.ResourcesSpec;

class WorkerHeapTest {

    private static ResourcesSpec resources(Map<String, String> requests, Map<String, String> limits) {
        ResourcesSpec resources = new ResourcesSpec();
        resources.setRequests(requests);
        resources.setLimits(limits);
        return resources;
    }

    @Test
    void withoutAnyMemoryTheHeapIsOneGigabyte() {
        assertThat(WorkerHeap.options(null, null)).containsExactly("-Xmx1g");
        assertThat(WorkerHeap.options(null, resources(Map.of("cpu", "2"), null))).containsExactly("-Xmx1g");
    }

    @Test
    void theManifestsMemoryLimitSizesTheHeapAsOnKubernetes() {
        assertThat(WorkerHeap.options(null, resources(Map.of("memory", "1Gi"), Map.of("memory", "2Gi"))))
                .containsExactly("-XX:MaxRAM=2147483648", "-XX:MaxRAMPercentage=75");
        assertThat(WorkerHeap.options(null, resources(Map.of("memory", "1500M"), null)))
                .containsExactly("-XX:MaxRAM=1500000000", "-XX:MaxRAMPercentage=75");
    }

    @Test
    void theCommandLineWins() {
        assertThat(WorkerHeap.options("3g", resources(null, Map.of("memory", "2Gi")))).containsExactly("-Xmx3g");
    }

    @Test
    void workerProcessesGetTheHeapBeforeTheCollector() {
        WorkerProcessDeployer.Settings settings = WorkerProcessDeployer.Settings.defaults(Path.of("logs"));
        assertThat(settings.javaOptions()).containsExactly("-Xmx1g", "-XX:+UseG1GC");
        assertThat(settings.withHeap(List.of("-XX:MaxRAM=1", "-XX:MaxRAMPercentage=75")).javaOptions())
                .containsExactly("-XX:MaxRAM=1", "-XX:MaxRAMPercentage=75", "-XX:+UseG1GC");
    }
}
