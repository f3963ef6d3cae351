package dev.weir.runtime.worker;

import java.util.List;

/**
 * The JVM options every worker process runs with, wherever it is started: {@code weir local},
 * the operator's pods and the benchmarks.
 */
public final class WorkerJvm {

    /**
     * C2 compiles a method only after ten times HotSpot's default number of calls.
     *
     * <p>A worker's first seconds count (every job start and every recovery starts new workers),
     * and on a two-core machine it has one C2 compiler thread. With the defaults, C2 spends the
     * first second compiling start-up code that is warm but not hot (method-handle spinning for
     * the JDK's HTTP client and records, jar lookups) while the task loops wait in C1 code behind
     * it in the queue.
     * Loops still go to C2 by their back-edge counters (unchanged), and per-record methods pass
     * the higher call thresholds within milliseconds. Measured on keyed-count (docs/benchmarks.md):
     * 20 M records on 2 workers take 4.1-4.4 s instead of 5.0-5.1 s, and steady state is no slower.
     */
    public static final List<String> COMPILER_OPTIONS = List.of(
            "-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000",
            "-XX:Tier4CompileThreshold=150000");

    private WorkerJvm() {}
}
