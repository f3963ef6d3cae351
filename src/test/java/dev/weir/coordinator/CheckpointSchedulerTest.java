package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.runtime.checkpoint.CheckpointConfig;
import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.CheckpointingMode;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.TaskAcknowledgement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CheckpointSchedulerTest {

    private static final ExecutionVertexId VERTEX = new ExecutionVertexId("source", 0);

    /** Acks every trigger at once, like a one-task job with no state. */
    private static final class AutoAckGateway extends RecordingGateway {
        final AtomicReference<CheckpointCoordinator> coordinator = new AtomicReference<>();

        @Override
        public CompletableFuture<Void> triggerCheckpoint(CheckpointBarrier barrier) {
            CompletableFuture<Void> sent = super.triggerCheckpoint(barrier);
            coordinator.get().acknowledge(new TaskAcknowledgement(barrier.checkpointId(), VERTEX, Map.of()));
            return sent;
        }
    }

    @Test
    void ticksCoordinatorUntilStopped() throws Exception {
        AutoAckGateway gateway = new AutoAckGateway();
        CheckpointConfig config = new CheckpointConfig(5, 10_000, 0, CheckpointingMode.EXACTLY_ONCE, 1, 0);
        CheckpointCoordinator coordinator = new CheckpointCoordinator("scheduled", 1, 1, config, Clock.system(),
                Set.of(VERTEX), gateway, new InMemoryCompletedCheckpointStore(), Runnable::run,
                new RecordingListener(), 1);
        gateway.coordinator.set(coordinator);
        coordinator.startPeriodicCheckpoints();

        try (CheckpointScheduler scheduler = new CheckpointScheduler(coordinator, 2)) {
            scheduler.start();
            scheduler.start();
            assertThat(scheduler.isRunning()).isTrue();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (coordinator.completedCount() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(coordinator.completedCount()).isGreaterThanOrEqualTo(3);

            scheduler.stop();
            scheduler.stop();
            assertThat(scheduler.isRunning()).isFalse();
            long completed = coordinator.completedCount();
            Thread.sleep(50);
            assertThat(coordinator.completedCount()).isEqualTo(completed);
        }
    }
}
