package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The open-addressing set of a key group's timers, against java.util.HashSet. */
class TimerSetTest {

    @Test
    void addsAndRemovesAsAHashSetDoesThroughResizesAndRemovalsInsideProbeRuns() {
        Random random = new Random(42);
        TimerSet<Long> timers = new TimerSet<>();
        Set<KeyedTimerQueue.Timer<Long>> model = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            // few keys and times a window slide apart: many equal timers, long probe runs
            KeyedTimerQueue.Timer<Long> timer =
                    new KeyedTimerQueue.Timer<>((long) random.nextInt(300), 2_000L * random.nextInt(40) + 1_999);
            if (random.nextInt(3) == 0) {
                assertThat(timers.remove(timer)).isEqualTo(model.remove(timer));
            } else {
                assertThat(timers.add(timer)).isEqualTo(model.add(timer));
            }
            assertThat(timers.size()).isEqualTo(model.size());
        }
        assertThat(timers.toArray()).containsExactlyInAnyOrderElementsOf(model);
        for (KeyedTimerQueue.Timer<Long> timer : Set.copyOf(model)) {
            assertThat(timers.remove(timer)).isTrue();
        }
        assertThat(timers.isEmpty()).isTrue();
        assertThat(timers.toArray()).isEmpty();
    }
}
