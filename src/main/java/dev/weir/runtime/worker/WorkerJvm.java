package dev.weir.runtime.worker;

import java.util.List;

import dev.weir.runtime.state.StateBackendSettings;

/**
 * The JVM options every worker process runs with, wherever it is started: {@code weir local},
 * the operator's pods and the benchmarks.
 */
public final class WorkerJvm {

    /**
     * C2 compiles a method on its own only after 2 million calls (HotSpot's default: 5,000); loops
     * still go to C2 by their back-edge counters (unchanged).
     *
     * <p>A worker's first seconds count (every job start and every recovery starts new workers),
     * and on a two-core machine it has one C2 compiler thread. With the defaults, C2 spends the
     * first second compiling start-up code that is warm but not hot (method-handle spinning for
     * the JDK's HTTP client and records, jar lookups) while the task loops wait in C1 code behind
     * it. At ten times the defaults (stop 3), C2 still compiled a task's chain five or six times
     * over: each per-record method (the sink's {@code collect}, the map before it, the source's
     * output, the generator's record) passed 50,000 calls within milliseconds of the task's start
     * and was queued as a compile of its own, inlining everything downstream of it, ahead of the
     * source loop's compile that inlines them all (Nexmark q0: 0.47 CPU-s of C2 per worker in a
     * 10 M-event run, the task thread getting a quarter of a core while C2 worked through the
     * queue). At 2 million calls the loop's compile comes first, its callees run inside it from
     * then on, and C2 compiles the chain once (0.29 CPU-s). The price: a method that is not
     * inlined into a loop reaches C2 only after 2 million calls (2 s at a million calls a second;
     * a method called once per new key can stay in C1 code for minutes). Measured in
     * docs/benchmarks.md (stop 37): 10 M events, net seconds q0 1.35 -> 1.00-1.07, q5 2.63 ->
     * 1.97-2.10, q7 2.57 -> 1.75-2.03, the others equal or better; 200 M events and keyed-count
     * (100 M records, 1 M keys) no slower.
     */
    public static final List<String> COMPILER_OPTIONS = List.of(
            "-XX:Tier4InvocationThreshold=2000000",
            "-XX:Tier4MinInvocationThreshold=1000000",
            "-XX:Tier4CompileThreshold=4000000");

    /**
     * A worker that runs out of heap exits at once (code 3, the JVM printing why as the last line
     * of its log) instead of living on with a dead thread: an OutOfMemoryError in a snapshot-upload
     * or network thread left a worker alive, heartbeating, with no checkpoint ever completing again
     * and no error anywhere (keyed-count, 10 M keys, 2 GB workers). Its exit is a worker loss the
     * coordinator reports with that line, and restarts from the latest checkpoint.
     */
    public static final List<String> ERROR_OPTIONS = List.of("-XX:+ExitOnOutOfMemoryError");

    /**
     * The options every worker JVM starts with wherever it is launched ({@code weir local}'s
     * processes and the operator's pods), besides its heap and collector: {@link #COMPILER_OPTIONS}
     * and {@link #ERROR_OPTIONS}, in that order.
     *
     * <p>No {@code -XX:+UseTransparentHugePages} (workers had it from stop 28 to stop 37). With it
     * the JVM asks the kernel for 2 MiB pages for the heap. In the 2-vCPU VM of the benchmarks that
     * first sped up q7 and q8 (fewer page faults as the young generation grew); measured again on
     * the same kind of VM in stop 37, it made every first pass over new heap memory slow (a q2
     * worker: 1.4 s for its first 490 MB of eden, 0.19 s for each pass after; without, 0.26 s for
     * the first 225 MB, 0.09 s after) and the runs slower throughout: q8 at 100 M events
     * 18.2-20.3 M events/s against 21.6-22.1 M without, q7 at 40 M 6.8-9.1 M against 9.3-10.2 M,
     * keyed-count (100 M records, 1 M keys) 7.55-7.91 M records/s against 8.94-8.97 M
     * (docs/benchmarks.md). Our reading: 2 MiB pages come from the kernel's large free blocks,
     * which the VM's host may have taken back, so their first touch faults on the host as well.
     * Where huge pages pay on a node, a pod template can add the option ({@code JAVA_TOOL_OPTIONS}
     * in the worker container's environment).
     */
    public static List<String> launchOptions() {
        return java.util.stream.Stream.of(COMPILER_OPTIONS, ERROR_OPTIONS)
                .flatMap(List::stream).toList();
    }

    /**
     * G1, chosen for its pauses: a worker's pause stops its heartbeats, its checkpoint barriers and
     * its share of the data flow, and keyed state is live data the collector must copy or scan.
     * Measured on keyed-count with worker processes (docs/benchmarks.md, {@code bench/gc-compare}):
     * ParallelGC's full collections of a multi-GB heap of state took 2.8-4.1 s, G1's longest
     * pauses 0.9-1.3 s at small cost; ZGC (JDK 17: not generational) kept pauses short but fell
     * behind with millions of keys on two busy cores (its concurrent cycles compete with the
     * tasks, and allocating threads stall), a third of G1's throughput. Stated explicitly because
     * the JVM's own choice depends on the machine: in a container with less than two CPUs or
     * 1792 MiB it takes the serial collector.
     */
    public static final List<String> GC_OPTIONS = List.of("-XX:+UseG1GC");

    /**
     * The worker's heap as a share of its memory, so it grows with the memory a pod is given. The
     * rest is for what lives outside the heap: thread stacks, metaspace, code, direct buffers.
     * Below about 250 MiB of memory the JVM takes its MinRAMPercentage (50%) instead (JDK 17:
     * 224 MiB give a 112 MiB heap, 256 MiB a 192 MiB heap; {@code WorkerJvmHeapIT}).
     */
    public static final int HEAP_PERCENT_OF_MEMORY = 75;

    /**
     * The heap's share with the RocksDB state backend, whose block cache and memtables live outside
     * the heap: they get two thirds of the heap's size (30% of the memory, see
     * {@code RocksDbResources}), and the remaining 25% covers the JVM's own off-heap memory and
     * what RocksDB does not account for.
     */
    public static final int HEAP_PERCENT_OF_MEMORY_ROCKSDB = 45;

    /** The heap's share of the worker's memory for a state backend. */
    public static int heapPercent(StateBackendSettings stateBackend) {
        return stateBackend.kind() == StateBackendSettings.Kind.ROCKSDB
                ? HEAP_PERCENT_OF_MEMORY_ROCKSDB : HEAP_PERCENT_OF_MEMORY;
    }

    /** The heap as {@code percent}% of a container's memory limit (cgroup), else of the machine's. */
    public static List<String> heapOfContainerMemory(int percent) {
        return List.of("-XX:MaxRAMPercentage=" + percent);
    }

    /** The heap from the memory the JVM finds: a container's memory limit (cgroup), else the machine's. */
    public static final List<String> HEAP_OF_CONTAINER_MEMORY =
            List.of("-XX:MaxRAMPercentage=" + HEAP_PERCENT_OF_MEMORY);

    /** The heap from a memory size the JVM is told; it overrides what the JVM would find (a container limit too). */
    public static List<String> heapOfMemory(long memoryBytes) {
        return heapOfMemory(memoryBytes, HEAP_PERCENT_OF_MEMORY);
    }

    /** The heap as {@code percent}% of a memory size the JVM is told. */
    public static List<String> heapOfMemory(long memoryBytes, int percent) {
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memory must be positive, got " + memoryBytes + " bytes");
        }
        return List.of("-XX:MaxRAM=" + memoryBytes, "-XX:MaxRAMPercentage=" + percent);
    }

    private WorkerJvm() {}
}
