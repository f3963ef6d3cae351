package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

class PeerRegistryTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final PeerRegistry registry = new PeerRegistry(4, 3, now::get, Duration.ofMillis(3_000));

    @Test
    void completeOnceEveryIndexRegistered() {
        registry.register(worker(2));
        registry.register(worker(0));
        assertThat(registry.isComplete()).isFalse();

        assertThat(registry.register(worker(1)).isCompleteFor(3)).isTrue();
        assertThat(registry.isComplete()).isTrue();
        assertThat(registry.peers().workers()).extracting(WorkerRegistration::worker).containsExactly(0, 1, 2);
    }

    @Test
    void repeatedRegistrationFromTheSameAddressIsARetry() {
        registry.register(worker(1));

        assertThat(registry.register(worker(1)).workers()).containsExactly(worker(1));
    }

    @Test
    void sameIndexFromAnotherAddressIsRejectedAndTheFirstClaimKept() {
        registry.register(worker(1));

        assertThatThrownBy(() -> registry.register(new WorkerRegistration("job", 4, 1, "10.0.0.9", 8001, 9001, null, null)))
                .isInstanceOf(RegistrationConflictException.class)
                .hasMessageContaining("10.0.0.9");
        assertThat(registry.peers().workers()).containsExactly(worker(1));
    }

    @Test
    void rejectsOtherAttemptsAndIndexesOutsideTheJob() {
        assertThatThrownBy(() -> registry.register(new WorkerRegistration("job", 3, 0, "h", 1, 2, null, null)))
                .isInstanceOf(StaleAttemptException.class);
        assertThatThrownBy(() -> registry.register(worker(3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.recordHeartbeat(new Heartbeat(3, 0, 0)))
                .isInstanceOf(StaleAttemptException.class);
    }

    @Test
    void workersThatStopHeartbeatingAreReportedSilent() {
        registry.register(worker(0));
        registry.register(worker(1));
        registry.register(worker(2));

        now.set(3_500);
        registry.recordHeartbeat(new Heartbeat(4, 0, 0));
        registry.recordHeartbeat(new Heartbeat(4, 1, 0));
        now.set(4_000);
        assertThat(registry.silentWorkers()).isEmpty();

        now.set(4_001);
        assertThat(registry.silentWorkers()).containsExactly(2);

        now.set(6_600);
        registry.recordHeartbeat(new Heartbeat(4, 0, 0));
        assertThat(registry.silentWorkers()).containsExactly(1, 2);
        assertThat(registry.workersSilentSince(6_600, 10_000)).isEmpty();
    }

    @Test
    void silenceIsJudgedByReceiveTimeNotTheWorkersClock() {
        registry.register(worker(0));
        now.set(10_000);
        // A worker whose clock runs far ahead must not look alive forever, nor one far behind look dead.
        registry.recordHeartbeat(new Heartbeat(4, 0, Long.MAX_VALUE / 2));

        assertThat(registry.workersSilentSince(12_000, 3_000)).isEmpty();
        assertThat(registry.workersSilentSince(13_001, 3_000)).containsExactly(0);
    }

    @Test
    void heartbeatsTellTheHighestCheckpointIdAnyWorkerWasTriggeredWith() {
        registry.register(worker(0));
        registry.register(worker(1));
        registry.register(worker(2));
        registry.recordHeartbeat(new Heartbeat(4, 0, 0, 0, 0, 17, List.of(), List.of()));
        registry.recordHeartbeat(new Heartbeat(4, 1, 0, 0, 0, 18, List.of(), List.of()));
        // Registration alone is no heartbeat: a re-attached worker that died never sends one.
        assertThat(registry.allHeartbeated()).isFalse();

        registry.recordHeartbeat(new Heartbeat(4, 2, 0, 0, 0, 16, List.of(), List.of()));
        registry.recordHeartbeat(new Heartbeat(4, 1, 0, 0, 0, 12, List.of(), List.of()));
        assertThat(registry.allHeartbeated()).isTrue();
        assertThat(registry.highestReportedCheckpointId()).isEqualTo(18);
    }

    private static WorkerRegistration worker(int index) {
        return new WorkerRegistration("job", 4, index, "127.0.0." + (index + 2), 8000 + index, 9000 + index, null, null);
    }
}
