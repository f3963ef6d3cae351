package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.coordinator.remote.WorkerClient;
import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.ObjectStores;
import dev.weir.runtime.worker.Worker;
import dev.weir.runtime.worker.WorkerConfig;
import dev.weir.runtime.worker.WorkerEnvironment;

/**
 * Two real workers (threads of this JVM, each with its own control endpoint and data plane on
 * loopback) under a real attempt coordinator on a manual clock, running keyed-count rate-limited
 * and without end. Worker 1 opens its checkpoint storage only when the test lets it: a worker
 * whose S3 client takes seconds to load on a busy machine, or that restores a large state.
 */
class FirstCheckpointIT {

    private static final String JOB = "counts";
    private static final String TOKEN = "token-of-the-job";
    private static final long INTERVAL = 1_000;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_000_000);
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final CountDownLatch storeOpening = new CountDownLatch(1);
    private final CountDownLatch storeMayOpen = new CountDownLatch(1);
    private final List<Thread> workers = new ArrayList<>();
    private final List<Worker.Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    private CoordinatorServer server;
    private AttemptCoordinator coordinator;

    @AfterEach
    void stop() throws Exception {
        storeMayOpen.countDown();
        if (coordinator != null) {
            coordinator.cancel();
            coordinator.outcome().get(30, TimeUnit.SECONDS);
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (server != null) {
            server.close();
        }
        io.shutdownNow();
    }

    @Test
    void theFirstCheckpointWaitsForEveryWorkerToRunThenCompletesWhileTheSourcesRun() throws Exception {
        String storageUri = Files.createDirectories(dir.resolve("store")).toUri().toString();
        CheckpointStorage storage = new CheckpointStorage(ObjectStores.open(storageUri, null), "weir/" + JOB);
        server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CheckpointConfig checkpoints = new CheckpointConfig(INTERVAL, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);
        coordinator = new AttemptCoordinator(new AttemptCoordinator.Settings(JOB, 1, 2, 128, 2, checkpoints,
                Duration.ZERO, Duration.ZERO, 1), new StorageCompletedCheckpointStore(storage), io, clock,
                registration -> WorkerClient.forWorker(registration, TOKEN), new AttemptListener() {});
        server.register(JOB, TOKEN, coordinator.endpoint());

        start(0, ObjectStores::open);
        start(1, (uri, s3) -> {
            storeOpening.countDown();
            try {
                storeMayOpen.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("stopped while opening the store");
            }
            return ObjectStores.open(uri, s3);
        });

        await(() -> coordinator.checkpoints() != null, "every worker registered");
        assertThat(storeOpening.await(60, TimeUnit.SECONDS)).as("worker 1 opens its store").isTrue();
        clock.advance(10 * INTERVAL);
        coordinator.checkpoints().tick();
        assertThat(coordinator.checkpoints().pendingCheckpointId())
                .as("no checkpoint while worker 1 cannot take one: it would hold the only slot until worker 1 ran")
                .isEmpty();
        assertThat(coordinator.everyTaskRunning()).isFalse();

        storeMayOpen.countDown();
        await(coordinator::everyTaskRunning, "every task runs");
        // The interval passed long ago: checkpoint 1 comes at once (the clock stands, so no other).
        await(() -> coordinator.lastCheckpoint() != null, "checkpoint 1 completes");

        CompletedCheckpointStats completed = coordinator.lastCheckpoint();
        assertThat(completed.checkpointId()).isEqualTo(1);
        assertThat(completed.type()).isEqualTo(CheckpointType.CHECKPOINT);
        assertThat(storage.completedCheckpointIds()).containsExactly(1L);
        assertThat(coordinator.outcome()).as("the sources still run").isNotDone();
        assertThat(outcomes).isEmpty();
    }

    private void start(int index, Worker.StoreOpener opener) {
        Map<String, String> environment = new WorkerEnvironment()
                .job(JOB, "dev.weir.examples.KeyedCountJob",
                        // Endless at 20 000 records/s per source: the job runs until the test stops it.
                        Map.of("records", "1000000000000", "keys", "100", "rate", "20000", "output", "discard"),
                        2, 128, CheckpointingMode.EXACTLY_ONCE)
                .worker(index, 1)
                .coordinator(server.baseUri().toString())
                .token(TOKEN)
                .bindAddress("127.0.0.1")
                .storage(dir.resolve("store").toUri().toString(), "weir/" + JOB)
                .heartbeats(Duration.ofMillis(200), Duration.ofSeconds(30))
                .asText();
        Worker worker = new Worker(WorkerConfig.fromEnvironment(environment::get), opener);
        Thread thread = new Thread(() -> {
            try {
                outcomes.add(worker.run());
            } catch (Exception e) {
                outcomes.add(Worker.Outcome.FAILED);
            }
        }, "worker-" + index);
        thread.setDaemon(true);
        thread.start();
        workers.add(thread);
    }

    /** A generous guard against hanging, never a measure of speed. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
