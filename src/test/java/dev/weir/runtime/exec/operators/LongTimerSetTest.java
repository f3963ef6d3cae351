package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The primitive set of a key group's timers of long keys, against java.util.HashSet. */
class LongTimerSetTest {

    private record Pair(long key, long timestamp) {}

    @Test
    void addsAndRemovesAsAHashSetDoesThroughResizesAndRemovalsInsideProbeRuns() {
        Random random = new Random(42);
        LongTimerSet timers = new LongTimerSet();
        Set<Pair> model = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            // few keys and times a window slide apart: many equal timers, long probe runs; now and
            // then the time that marks a free slot, and negative keys
            long timestamp = random.nextInt(50) == 0 ? Long.MIN_VALUE : 2_000L * random.nextInt(40) + 1_999;
            Pair timer = new Pair(random.nextInt(300) - 20, timestamp);
            if (random.nextInt(3) == 0) {
                assertThat(timers.remove(timer.key(), timer.timestamp())).isEqualTo(model.remove(timer));
            } else {
                assertThat(timers.add(timer.key(), timer.timestamp())).isEqualTo(model.add(timer));
            }
            assertThat(timers.size()).isEqualTo(model.size());
        }
        assertThat(pairs(timers)).containsExactlyInAnyOrderElementsOf(model);
        for (Pair timer : Set.copyOf(model)) {
            assertThat(timers.remove(timer.key(), timer.timestamp())).isTrue();
        }
        assertThat(timers.isEmpty()).isTrue();
        assertThat(timers.toPairs()).isEmpty();
    }

    private static List<Pair> pairs(LongTimerSet timers) {
        long[] pairs = timers.toPairs();
        List<Pair> result = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            result.add(new Pair(pairs[i], pairs[i + 1]));
        }
        return result;
    }
}
