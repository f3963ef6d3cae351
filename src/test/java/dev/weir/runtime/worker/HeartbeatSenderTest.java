package dev.weir.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.weir.coordinator.AttemptEndpoint;
import dev.weir.coordinator.PeerRegistry;
import dev.weir.coordinator.remote.CoordinatorServer;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.HeartbeatReply;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;
import dev.weir.runtime.worker.transport.JsonHttpClient;

class HeartbeatSenderTest {

    private static final String JOB = "burner";
    private static final String TOKEN = "job-token-5c81aa";
    private static final long INTERVAL_MS = 50;
    private static final long BURN_MS = 12_000;
    /**
     * A tenth of the default heartbeat timeout (50 s), and less than the time the coordinator takes
     * over each declined checkpoint here: heartbeats queued behind those requests, on either side,
     * would leave a gap of at least that long. Heartbeats starved by the task threads or a busy
     * machine would too; on this 2-core machine at a load average of 44 the longest gap was 2 s.
     */
    private static final long MAX_GAP_MS = 5_000;
    private static final long SLOW_REQUEST_MS = 10_000;
    /** Twice as many as the threads the coordinator's server keeps. */
    private static final int SLOW_REQUESTS = 8;

    /**
     * Task threads that burn every core, allocate as fast as they can (so the collector runs all
     * the time) and keep the coordinator busy with requests it answers slowly: the heartbeats still
     * arrive every interval or so, and the worker never gives up on its coordinator.
     */
    @Test
    void heartbeatsKeepArrivingWhileTaskThreadsBurnCpuAllocateAndWaitOnTheCoordinator() throws Exception {
        SlowCoordinator endpoint = new SlowCoordinator();
        List<String> coordinatorLost = new CopyOnWriteArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService tasks = Executors.newFixedThreadPool(2 * cores + SLOW_REQUESTS);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong allocated = new AtomicLong();
        try (CoordinatorServer server = new CoordinatorServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.register(JOB, TOKEN, endpoint);
            CoordinatorClient client = new CoordinatorClient(server.baseUri(), TOKEN, 1,
                    new JsonHttpClient.Settings(Duration.ofSeconds(2), Duration.ofMillis(2 * SLOW_REQUEST_MS), 1, Duration.ofMillis(20)),
                    e -> { });
            client.register(new WorkerRegistration(JOB, 1, 0, "127.0.0.1", 8000, 9000, null, null));
            for (int i = 0; i < 2 * cores; i++) {
                tasks.submit(() -> allocateAndBurn(stop, allocated));
            }
            for (int i = 0; i < SLOW_REQUESTS; i++) {
                int task = i;
                tasks.submit(() -> declineSlowly(client, task, stop));
            }
            Thread.sleep(500); // every task thread busy before the heartbeats are watched
            try (HeartbeatSender sender = new HeartbeatSender(client, () -> new Heartbeat(1, 0, System.currentTimeMillis()),
                    Duration.ofSeconds(50).toMillis(), 0, (loss, reason) -> coordinatorLost.add(loss + ": " + reason))) {
                long from = System.nanoTime();
                sender.start(INTERVAL_MS);
                Thread.sleep(BURN_MS);
                long to = System.nanoTime();

                List<Long> arrivals = endpoint.heartbeatsBetween(from, to);
                assertThat(longestGapMs(from, arrivals, to))
                        .as("longest time without a heartbeat, %d heartbeats in %d ms", arrivals.size(), BURN_MS)
                        .isLessThan(MAX_GAP_MS);
            }
        } finally {
            stop.set(true);
            tasks.shutdownNow();
            assertThat(tasks.awaitTermination(SLOW_REQUEST_MS + 10_000, TimeUnit.MILLISECONDS)).isTrue();
        }
        assertThat(coordinatorLost).isEmpty();
        assertThat(endpoint.declinesStarted.get()).as("slow requests received").isGreaterThanOrEqualTo(SLOW_REQUESTS);
        assertThat(allocated.get()).as("bytes the task threads allocated").isGreaterThan(100L << 20);
    }

    private static long longestGapMs(long from, List<Long> arrivals, long to) {
        List<Long> points = new ArrayList<>();
        points.add(from);
        points.addAll(arrivals);
        points.add(to);
        long longest = 0;
        for (int i = 1; i < points.size(); i++) {
            longest = Math.max(longest, points.get(i) - points.get(i - 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    /** Keeps a window of recent arrays alive, so collections copy and promote, not only discard. */
    private static void allocateAndBurn(AtomicBoolean stop, AtomicLong allocated) {
        byte[][] window = new byte[512][];
        long hash = 0;
        for (int i = 0; !stop.get(); i++) {
            byte[] chunk = new byte[ThreadLocalRandom.current().nextInt(1 << 10, 64 << 10)];
            chunk[chunk.length - 1] = (byte) i;
            window[i & (window.length - 1)] = chunk;
            for (int j = 0; j < chunk.length; j += 64) {
                hash = hash * 31 + chunk[j] + i;
            }
            allocated.addAndGet(chunk.length);
        }
        if (hash == 42) {
            System.out.print(""); // keeps the loop's work from being optimised away
        }
    }

    private static void declineSlowly(CoordinatorClient client, int task, AtomicBoolean stop) {
        ExecutionVertexId vertex = new ExecutionVertexId("counts", task);
        for (long checkpoint = 1; !stop.get(); checkpoint++) {
            client.declineCheckpoint(checkpoint, vertex, "burning");
        }
    }

    /** Takes its time over declined checkpoints; notes when each heartbeat arrived. */
    private static final class SlowCoordinator implements AttemptEndpoint {
        final PeerRegistry registry = new PeerRegistry(1, 1, System::currentTimeMillis);
        final List<Long> heartbeatArrivals = new CopyOnWriteArrayList<>();
        final AtomicLong declinesStarted = new AtomicLong();

        List<Long> heartbeatsBetween(long from, long to) {
            return heartbeatArrivals.stream().filter(t -> t >= from && t <= to).sorted().toList();
        }

        @Override
        public PeerList register(WorkerRegistration registration) {
            return registry.register(registration);
        }

        @Override
        public PeerList peers(long attempt) {
            return registry.peers();
        }

        @Override
        public void acknowledge(Acknowledge acknowledge) {
        }

        @Override
        public void decline(Decline decline) {
            declinesStarted.incrementAndGet();
            try {
                Thread.sleep(SLOW_REQUEST_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void taskEvent(TaskEvent event) {
        }

        @Override
        public HeartbeatReply heartbeat(Heartbeat heartbeat) {
            heartbeatArrivals.add(System.nanoTime());
            registry.recordHeartbeat(heartbeat);
            return HeartbeatReply.KNOWN;
        }

        @Override
        public void workerFailed(WorkerFailure failure) {
        }

        @Override
        public void peerLost(PeerLost report) {
        }
    }
}
