package dev.weir.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

class KeyGroupAssignmentTest {

    @Test
    void rangesCoverEveryKeyGroupExactlyOnceForEveryParallelism() {
        for (int maxParallelism : new int[] {1, 7, 128, 1000}) {
            for (int parallelism = 1; parallelism <= Math.min(maxParallelism, 64); parallelism++) {
                BitSet seen = new BitSet();
                for (int subtask = 0; subtask < parallelism; subtask++) {
                    KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, maxParallelism, parallelism);
                    for (int kg = range.start(); kg <= range.end(); kg++) {
                        assertThat(seen.get(kg)).as("kg %d seen twice", kg).isFalse();
                        seen.set(kg);
                        assertThat(KeyGroupAssignment.subtaskFor(kg, maxParallelism, parallelism)).isEqualTo(subtask);
                    }
                }
                assertThat(seen.cardinality()).isEqualTo(maxParallelism);
            }
        }
    }

    @Test
    void keyGroupDependsOnlyOnHashAndMaxParallelism() {
        assertThat(KeyGroupAssignment.keyGroupFor(42L, 128)).isEqualTo(KeyGroupAssignment.keyGroupFor(Long.valueOf(42), 128));
        assertThat(KeyGroupAssignment.keyGroupFor("word", 128)).isEqualTo(KeyGroupAssignment.keyGroupFor(new String("word"), 128));
        // pinned values: a change here would make existing checkpoints unreadable
        assertThat(KeyGroupAssignment.keyGroupFor(0L, 128)).isEqualTo(KeyGroupAssignment.murmur(0) % 128);
        assertThat(KeyGroupAssignment.murmur(0)).isEqualTo(KeyGroupAssignment.murmur(Long.hashCode(0L)));
    }

    @Test
    void aPrimitiveLongKeyHasItsBoxedKeysGroup() {
        for (long key : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, -(1L << 33) + 7}) {
            assertThat(KeyGroupAssignment.keyGroupForLong(key, 128)).isEqualTo(KeyGroupAssignment.keyGroupFor(Long.valueOf(key), 128));
            assertThat(KeyGroupAssignment.keyGroupForLong(key, 7)).isEqualTo(KeyGroupAssignment.keyGroupFor(Long.valueOf(key), 7));
        }
    }

    @Test
    void smallConsecutiveKeysSpreadOverKeyGroups() {
        BitSet groups = new BitSet();
        for (long key = 0; key < 1000; key++) {
            groups.set(KeyGroupAssignment.keyGroupFor(key, 128));
        }
        assertThat(groups.cardinality()).isEqualTo(128);
    }

    @Test
    void parallelismAboveMaxParallelismIsRejected() {
        assertThatThrownBy(() -> KeyGroupAssignment.rangeFor(0, 4, 5)).hasMessageContaining("exceeds max parallelism");
    }
}
