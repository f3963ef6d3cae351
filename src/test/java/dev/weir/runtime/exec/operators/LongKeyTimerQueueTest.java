package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.state.HeapKeyedStateBackend;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.serialization.Types;

/**
 * The timer queue of long keys fires what the queue of timer objects fires, in the same order, and
 * their snapshots restore into each other (checkpoints taken before it existed, and rescaling).
 */
class LongKeyTimerQueueTest {

    private static final int MAX_PARALLELISM = 8;
    private static final KeyGroupRange ALL = new KeyGroupRange(0, MAX_PARALLELISM - 1);

    private record Fired(long key, long timestamp) {}

    private static HeapKeyedStateBackend<Long> backend(KeyGroupRange range) {
        return new HeapKeyedStateBackend<>(Types.LONG, range, MAX_PARALLELISM);
    }

    @Test
    void createsTheInlineQueueOnlyForLongKeys() {
        assertThat(TimerQueue.create("t", backend(ALL))).isInstanceOf(LongKeyTimerQueue.class);
        assertThat(TimerQueue.create("t", new HeapKeyedStateBackend<>(Types.STRING, ALL, MAX_PARALLELISM)))
                .isInstanceOf(KeyedTimerQueue.class);
    }

    @Test
    void firesAsTheObjectQueueDoesUnderRandomRegistersDeletesAndWatermarks() throws Exception {
        HeapKeyedStateBackend<Long> longBackend = backend(ALL);
        HeapKeyedStateBackend<Long> objectBackend = backend(ALL);
        TimerQueue<Long> inline = new LongKeyTimerQueue("t", longBackend);
        TimerQueue<Long> objects = new KeyedTimerQueue<>("t", objectBackend);
        List<Fired> firedInline = new ArrayList<>();
        List<Fired> firedObjects = new ArrayList<>();
        Random random = new Random(7);
        long watermark = 0;
        for (int step = 0; step < 50_000; step++) {
            long key = random.nextInt(500) - 100;
            long timestamp = watermark + 1_000L * random.nextInt(8) + 999;
            longBackend.setCurrentKey(key);
            objectBackend.setCurrentKey(key);
            int what = random.nextInt(20);
            if (what < 14) {
                assertThat(inline.register(timestamp)).isEqualTo(objects.register(timestamp));
            } else if (what < 18) {
                inline.delete(timestamp);
                objects.delete(timestamp);
            } else {
                watermark += random.nextInt(1_500);
                // a firing timer registers another one at or before the watermark now and then
                long w = watermark;
                inline.fireUpTo(w, (k, t) -> {
                    firedInline.add(new Fired(k, t));
                    if (k % 7 == 0 && t < w) {
                        inline.register(w);
                    }
                });
                objects.fireUpTo(w, (k, t) -> {
                    firedObjects.add(new Fired(k, t));
                    if (k % 7 == 0 && t < w) {
                        objects.register(w);
                    }
                });
                assertThat(longBackend.currentKey()).isEqualTo(objectBackend.currentKey());
            }
            assertThat(inline.nextTimestamp()).isEqualTo(objects.nextTimestamp());
        }
        inline.fireAllAndDrop((k, t) -> {
            firedInline.add(new Fired(k, t));
            inline.register(t + 1);
        });
        objects.fireAllAndDrop((k, t) -> {
            firedObjects.add(new Fired(k, t));
            objects.register(t + 1);
        });
        assertThat(firedInline).isNotEmpty().isEqualTo(firedObjects);
        assertThat(inline.nextTimestamp()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void snapshotsOfEitherQueueRestoreIntoTheOtherAtAnotherParallelism() throws Exception {
        HeapKeyedStateBackend<Long> objectBackend = backend(ALL);
        KeyedTimerQueue<Long> objects = new KeyedTimerQueue<>("_event_timers", objectBackend);
        objectBackend.registerPart(objects);
        HeapKeyedStateBackend<Long> longBackend = backend(ALL);
        LongKeyTimerQueue inline = new LongKeyTimerQueue("_event_timers", longBackend);
        longBackend.registerPart(inline);
        List<Fired> expected = new ArrayList<>();
        for (long key = -50; key < 50; key++) {
            for (HeapKeyedStateBackend<Long> b : List.of(objectBackend, longBackend)) {
                b.setCurrentKey(key);
            }
            long timestamp = key % 3 == 0 ? Long.MIN_VALUE : 1_000 * Math.floorMod(key, 5);
            objects.register(timestamp);
            inline.register(timestamp);
            expected.add(new Fired(key, timestamp));
        }
        for (boolean fromObjects : new boolean[] {true, false}) {
            TreeMap<Integer, byte[]> snapshot = (fromObjects ? objectBackend : longBackend).snapshot();
            List<Fired> firedEverywhere = new ArrayList<>();
            for (int subtask = 0; subtask < 2; subtask++) {
                KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, 2);
                HeapKeyedStateBackend<Long> restored = backend(range);
                TimerQueue<Long> queue = fromObjects
                        ? new LongKeyTimerQueue("_event_timers", restored)
                        : new KeyedTimerQueue<>("_event_timers", restored);
                restored.registerPart(queue);
                for (Map.Entry<Integer, byte[]> e : snapshot.subMap(range.start(), true, range.end(), true).entrySet()) {
                    restored.restoreKeyGroup(e.getKey(), e.getValue());
                }
                List<Fired> fired = new ArrayList<>();
                queue.fireUpTo(Long.MAX_VALUE, (k, t) -> {
                    assertThat(restored.currentKey()).isEqualTo(k);
                    fired.add(new Fired(k, t));
                });
                for (Fired f : fired) {
                    assertThat(range.contains(KeyGroupAssignment.keyGroupFor(f.key(), MAX_PARALLELISM))).isTrue();
                }
                firedEverywhere.addAll(fired);
            }
            assertThat(firedEverywhere).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * While a timestamp's timers fire, a timer may delete or register timers at that same time: a
     * deleted one that has not fired yet does not fire, registering one that has not fired yet adds
     * nothing, and one registered again after it fired fires once more in the same call. Both
     * queues agree.
     */
    @Test
    void timersDeletedOrRegisteredAtTheFiringTimeActAsInTheObjectQueue() throws Exception {
        List<List<Fired>> runs = new ArrayList<>();
        for (boolean inline : new boolean[] {true, false}) {
            HeapKeyedStateBackend<Long> backend = backend(ALL);
            TimerQueue<Long> queue = inline ? new LongKeyTimerQueue("t", backend) : new KeyedTimerQueue<>("t", backend);
            for (long key = 0; key < 10; key++) {
                backend.setCurrentKey(key);
                queue.register(100);
            }
            List<Fired> fired = new ArrayList<>();
            queue.fireUpTo(100, (k, t) -> {
                fired.add(new Fired(k, t));
                if (k == 1) {
                    backend.setCurrentKey(5L);
                    queue.delete(100); // not fired yet: never fires
                    backend.setCurrentKey(7L);
                    assertThat(queue.register(100)).isFalse(); // not fired yet: still there
                    backend.setCurrentKey(0L);
                    assertThat(queue.register(100)).isTrue(); // fired already: fires again
                    backend.setCurrentKey(42L);
                    assertThat(queue.register(100)).isTrue(); // new: fires in this call
                }
            });
            assertThat(queue.nextTimestamp()).isEqualTo(Long.MAX_VALUE);
            runs.add(fired);
        }
        assertThat(runs.get(0)).extracting(Fired::key).containsExactly(0L, 1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 0L, 42L);
        assertThat(runs.get(0)).isEqualTo(runs.get(1));
    }
}
