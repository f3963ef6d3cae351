package dev.weir.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.weir.coordinator.CompletedCheckpointStats;
import dev.weir.coordinator.JobMasterListener;
import dev.weir.coordinator.RestartStrategy;
import dev.weir.local.WorkerProcessDeployer;
import dev.weir.runtime.exec.JobMetrics;

/**
 * Recovery time in the deployed shape: keyed-count runs as P worker processes with the default
 * restart policy (1 s initial backoff); a worker is SIGKILLed after a few checkpoints, and the
 * time from the kill to (a) failure detected, (b) the new attempt's workers started, and (c)
 * records flowing again is measured, several times. One JSON line per kill.
 */
public final class RecoveryBenchmark {

    private RecoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        dev.weir.runtime.logging.JdkLogging.routeToSlf4j();
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int parallelism = 2;
        Path dir = Files.createTempDirectory("weir-bench-recovery");
        JobMetrics metrics = new JobMetrics();
        AtomicLong completed = new AtomicLong();
        AtomicLong detectedAt = new AtomicLong();
        AtomicLong startedAt = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        try (WorkerProcessJob job = WorkerProcessJob.start("recovery", dir,
                Map.of("records", "1000000000", "keys", "100000", "output", "discard", "rate", "500000"), parallelism,
                WorkerProcessDeployer.Settings.defaults(dir.resolve("logs")).withHeartbeats(
                        Duration.ofMillis(50), Duration.ofSeconds(5)), metrics, new JobMasterListener() {
                            @Override
                            public void onAttemptStarted(long attempt, String restoredFrom) {
                                attempts.set(attempt);
                            }

                            @Override
                            public void onCheckpointCompleted(CompletedCheckpointStats stats) {
                                completed.incrementAndGet();
                            }

                            @Override
                            public void onRestarting(long nextAttempt, String cause, long delayMs) {
                                detectedAt.set(System.nanoTime());
                            }
                        })) {
            WorkerProcessDeployer deployer = job.deployer;
            List<Map<String, Object>> lines = new ArrayList<>();
            for (int k = 1; k <= kills; k++) {
                long target = completed.get() + 3;
                while (completed.get() < target) {
                    Thread.sleep(5);
                }
                long attempt = attempts.get();
                long killedAt = System.nanoTime();
                deployer.currentWorkers().get(1).destroyForcibly();
                while (attempts.get() == attempt || deployer.currentWorkers().isEmpty()
                        || deployer.currentWorkers().get(0).pid() == 0) {
                    Thread.sleep(1);
                }
                // the new attempt's deployment returns once every worker registered
                while (attempts.get() == attempt) {
                    Thread.sleep(1);
                }
                long before = metrics.sourceRecords();
                long deployedAt = System.nanoTime();
                startedAt.set(deployedAt);
                while (metrics.sourceRecords() == before) {
                    Thread.sleep(1);
                }
                long resumedAt = System.nanoTime();
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("system", "weir");
                line.put("benchmark", "recovery");
                line.put("mode", "workers");
                line.put("parallelism", parallelism);
                line.put("kill", k);
                line.put("kill_to_detected_ms", (detectedAt.get() - killedAt) / 1_000_000);
                line.put("kill_to_new_attempt_ms", (deployedAt - killedAt) / 1_000_000);
                line.put("kill_to_processing_resumed_ms", (resumedAt - killedAt) / 1_000_000);
                line.put("restart_backoff_ms", RestartStrategy.Settings.DEFAULT.initialBackoffMs());
                line.put("heartbeat_interval_ms", 50);
                lines.add(line);
                System.out.println(new ObjectMapper().writeValueAsString(line));
            }
            job.cancel();
        }
        System.exit(0);
    }
}
