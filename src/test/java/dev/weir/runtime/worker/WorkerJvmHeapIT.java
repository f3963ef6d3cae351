package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * What real JVMs make of the workers' heap options (docs/operator.md, "Worker memory"): the
 * share of the memory they are given or find, and an explicit {@code -Xmx} in
 * {@code JAVA_TOOL_OPTIONS} (a pod template's env) winning over the share.
 */
class WorkerJvmHeapIT {

    private static final long MIB = 1024 * 1024;
    private static final Pattern MAX_HEAP = Pattern.compile("size_t MaxHeapSize\\s+=\\s+(\\d+)");

    @Test
    void heapIsThreeQuartersOfTheMemoryTheJvmIsTold() throws Exception {
        assertThat(maxHeap(WorkerJvm.heapOfMemory(1024 * MIB), Map.of())).isCloseTo(768 * MIB, within(4 * MIB));
        assertThat(maxHeap(WorkerJvm.heapOfMemory(4096 * MIB), Map.of())).isCloseTo(3072 * MIB, within(4 * MIB));
    }

    @Test
    void belowTheJvmsSmallMemoryThresholdHeapIsHalfTheMemory() throws Exception {
        assertThat(maxHeap(WorkerJvm.heapOfMemory(128 * MIB), Map.of())).isCloseTo(64 * MIB, within(4 * MIB));
    }

    @Test
    void withoutToldMemoryHeapIsThreeQuartersOfWhatTheJvmFinds() throws Exception {
        long found = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        assertThat(maxHeap(WorkerJvm.HEAP_OF_CONTAINER_MEMORY, Map.of()))
                .isCloseTo(found * WorkerJvm.HEAP_PERCENT_OF_MEMORY / 100, within(found / 50));
    }

    @Test
    void anXmxInJavaToolOptionsWinsOverTheShare() throws Exception {
        assertThat(maxHeap(WorkerJvm.heapOfMemory(4096 * MIB), Map.of("JAVA_TOOL_OPTIONS", "-Xmx300m")))
                .isEqualTo(300 * MIB);
        assertThat(maxHeap(WorkerJvm.HEAP_OF_CONTAINER_MEMORY, Map.of("JAVA_TOOL_OPTIONS", "-Xmx300m")))
                .isEqualTo(300 * MIB);
    }

    /** {@code java <options> -XX:+PrintFlagsFinal -version}: the heap size the JVM settled on. */
    private static long maxHeap(List<String> options, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Matcher heap = MAX_HEAP.matcher(output);
        assertThat(heap.find()).as(output).isTrue();
        return Long.parseLong(heap.group(1));
    }
}
