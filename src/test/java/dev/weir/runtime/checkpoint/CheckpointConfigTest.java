package dev.weir.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CheckpointConfigTest {

    private static final CheckpointConfig ALIGNED = new CheckpointConfig(1_000, 60_000, 0, CheckpointingMode.EXACTLY_ONCE, 3, 3);

    @Test
    void checkpointsStayAlignedUnlessUnalignedIsOn() {
        assertThat(ALIGNED.barrier(1, 7, CheckpointType.CHECKPOINT))
                .isEqualTo(new CheckpointBarrier(1, 7, CheckpointType.CHECKPOINT, AlignmentType.ALIGNED, 0));
    }

    @Test
    void unalignedWithoutTimeoutStartsEveryCheckpointUnaligned() {
        assertThat(ALIGNED.withUnaligned(0).barrier(2, 7, CheckpointType.CHECKPOINT).isUnaligned()).isTrue();
    }

    @Test
    void unalignedWithTimeoutStartsAlignedAndMayTimeOut() {
        CheckpointBarrier barrier = ALIGNED.withUnaligned(250).barrier(3, 7, CheckpointType.CHECKPOINT);
        assertThat(barrier.isUnaligned()).isFalse();
        assertThat(barrier.canTimeOut()).isTrue();
        assertThat(barrier.alignmentDeadline()).isEqualTo(257);
        assertThat(barrier.toUnaligned().isUnaligned()).isTrue();
    }

    @Test
    void savepointsStayAlignedWhateverTheCheckpointsDo() {
        for (long timeout : new long[] {0, 250}) {
            CheckpointBarrier savepoint = ALIGNED.withUnaligned(timeout).barrier(4, 7, CheckpointType.SAVEPOINT);
            assertThat(savepoint.isUnaligned()).isFalse();
            assertThat(savepoint.canTimeOut()).isFalse();
        }
        assertThatThrownBy(() -> new CheckpointBarrier(5, 7, CheckpointType.SAVEPOINT, AlignmentType.UNALIGNED, 0))
                .hasMessageContaining("must stay aligned");
    }

    @Test
    void unalignedCheckpointsNeedExactlyOnce() {
        assertThatThrownBy(() -> new CheckpointConfig(1_000, 60_000, 0, CheckpointingMode.AT_LEAST_ONCE, 3, 3)
                .withUnaligned(0)).hasMessageContaining("exactly-once");
    }
}
