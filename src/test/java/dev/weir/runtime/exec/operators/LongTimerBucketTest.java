package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The keys of one timestamp's timers, against a model of lazy deletion (a deleted key keeps its
 * place, and takes it back when added again), through growth and reuse.
 */
class LongTimerBucketTest {

    @Test
    void addsRemovesAndKeepsTheOrderAddedAsTheModelDoes() {
        Random random = new Random(42);
        LongTimerBucket bucket = new LongTimerBucket();
        // key -> live, in the order each key was first added
        Map<Long, Boolean> model = new LinkedHashMap<>();
        for (int step = 0; step < 200_000; step++) {
            // few keys, then more: many repeats and deletions, and growth with dead positions in it;
            // negative keys and the extremes too
            long key = switch (random.nextInt(100)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                default -> random.nextInt(step < 100_000 ? 400 : 4_000) - 50;
            };
            if (random.nextInt(3) == 0) {
                boolean expected = Boolean.TRUE.equals(model.get(key));
                assertThat(bucket.remove(key)).isEqualTo(expected);
                if (expected) {
                    model.put(key, false);
                }
            } else {
                boolean expected = !Boolean.TRUE.equals(model.get(key));
                assertThat(bucket.add(key)).isEqualTo(expected);
                model.put(key, true);
            }
            assertThat(bucket.contains(key)).isEqualTo(Boolean.TRUE.equals(model.get(key)));
            assertThat(bucket.live()).isEqualTo((int) model.values().stream().filter(b -> b).count());
        }
        List<Long> expectedOrder = new ArrayList<>();
        model.forEach((key, live) -> {
            if (live) {
                expectedOrder.add(key);
            }
        });
        assertThat(liveKeys(bucket)).isEqualTo(expectedOrder);
    }

    @Test
    void aKeyAddedAgainAfterItsDeletionTakesItsOldPlace() {
        LongTimerBucket bucket = new LongTimerBucket();
        for (long key = 1; key <= 5; key++) {
            bucket.add(key);
        }
        assertThat(bucket.remove(2)).isTrue();
        assertThat(bucket.remove(2)).isFalse();
        assertThat(bucket.contains(2)).isFalse();
        assertThat(liveKeys(bucket)).containsExactly(1L, 3L, 4L, 5L);

        assertThat(bucket.add(2)).isTrue();
        assertThat(bucket.add(6)).isTrue();

        assertThat(liveKeys(bucket)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void firingByPositionSkipsWhatWasDeletedMeanwhile() {
        LongTimerBucket bucket = new LongTimerBucket();
        for (long key = 0; key < 1_000; key++) {
            bucket.add(key);
        }
        List<Long> fired = new ArrayList<>();
        for (int i = 0; i < bucket.size(); i++) {
            if (bucket.removeAt(i)) {
                long key = bucket.keyAt(i);
                fired.add(key);
                bucket.remove(key + 1); // a timer deleting the next key's timer as it fires
            }
        }
        assertThat(fired).hasSize(500).allMatch(key -> key % 2 == 0);
        assertThat(bucket.live()).isZero();
    }

    @Test
    void aClearedBucketIsEmptyAndReusable() {
        LongTimerBucket bucket = new LongTimerBucket();
        for (long key = 0; key < 10_000; key++) {
            bucket.add(key * 7919);
        }
        bucket.clear();
        assertThat(bucket.size()).isZero();
        assertThat(bucket.contains(0)).isFalse();
        assertThat(bucket.contains(7919)).isFalse();

        assertThat(bucket.add(7919)).isTrue();
        assertThat(bucket.add(7919)).isFalse();
        assertThat(liveKeys(bucket)).containsExactly(7919L);
    }

    private static List<Long> liveKeys(LongTimerBucket bucket) {
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < bucket.size(); i++) {
            if (bucket.isLive(i)) {
                keys.add(bucket.keyAt(i));
            }
        }
        return keys;
    }
}
