package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckpointCoordinatorConcurrencyTest {

    private static final int VERTICES = 64;
    private static final int THREADS = 16;
    private static final int ROUNDS = 25;

    private final ExecutorService ackers = Executors.newFixedThreadPool(THREADS);
    private final ExecutorService ioPool = Executors.newFixedThreadPool(2);
    private final RecordingGateway gateway = new RecordingGateway();
    private final RecordingListener listener = new RecordingListener();
    private final InMemoryCompletedCheckpointStore store = new InMemoryCompletedCheckpointStore();

    @AfterEach
    void stopThreads() {
        ackers.shutdownNow();
        ioPool.shutdownNow();
    }

    @Test
    void concurrentAcksCompleteEachCheckpointExactlyOnceWithDirectIo() throws Exception {
        runRounds(Runnable::run);
    }

    @Test
    void concurrentAcksCompleteEachCheckpointExactlyOnceWithPooledIo() throws Exception {
        runRounds(ioPool);
    }

    private void runRounds(Executor io) throws Exception {
        Set<ExecutionVertexId> vertices = new HashSet<>();
        for (int i = 0; i < VERTICES; i++) {
            vertices.add(new ExecutionVertexId("task", i));
        }
        CheckpointConfig config = new CheckpointConfig(0, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);
        CheckpointCoordinator coordinator = new CheckpointCoordinator("concurrent", VERTICES, 128, config,
                Clock.system(), vertices, gateway, store, io, listener, 1);
        Random random = new Random(7);

        for (int round = 0; round < ROUNDS; round++) {
            CompletableFuture<CompletedCheckpointStats> result = coordinator.triggerCheckpoint(CheckpointType.CHECKPOINT);
            long id = gateway.lastTrigger().checkpointId();
            // Every vertex acks twice, plus stale acks for the previous id, all racing.
            List<TaskAcknowledgement> acks = new ArrayList<>();
            for (ExecutionVertexId v : vertices) {
                acks.add(ack(id, v));
                acks.add(ack(id, v));
                acks.add(ack(id - 1, v));
            }
            Collections.shuffle(acks, random);
            ackConcurrently(coordinator, acks);

            CompletedCheckpointStats stats = result.get(10, TimeUnit.SECONDS);
            assertThat(stats.checkpointId()).isEqualTo(id);
            assertThat(store.checkpoint(id).operators().get("op")).hasSize(VERTICES);
        }

        assertThat(store.metadataWrites()).hasSize(ROUNDS).doesNotHaveDuplicates();
        assertThat(gateway.completed).hasSize(ROUNDS).doesNotHaveDuplicates();
        assertThat(listener.completed).hasSize(ROUNDS);
        assertThat(listener.failures).isEmpty();
        assertThat(coordinator.completedCount()).isEqualTo(ROUNDS);
    }

    private void ackConcurrently(CheckpointCoordinator coordinator, List<TaskAcknowledgement> acks) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<TaskAcknowledgement> share = acks.subList(t * acks.size() / THREADS, (t + 1) * acks.size() / THREADS);
            futures.add(ackers.submit(() -> {
                start.await();
                share.forEach(coordinator::acknowledge);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    private static TaskAcknowledgement ack(long id, ExecutionVertexId vertex) {
        OperatorSubtaskState state = new OperatorSubtaskState(
                vertex.subtask(), new StateHandle("s-" + vertex.subtask(), 0, 4), Map.of());
        return new TaskAcknowledgement(id, vertex, Map.of("op", state));
    }
}
