package dev.weir.runtime.exec.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.SystemProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.state.HeapKeyedStateBackend;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.serialization.Types;

class InternalTimerServiceTest {

    private static final int MAX_PARALLELISM = 8;
    private final ProcessingTimeService time = new SystemProcessingTimeService();

    @AfterEach
    void stop() {
        time.close();
    }

    private record Fired(String key, long timestamp) {}

    private InternalTimerService<String> service(HeapKeyedStateBackend<String> backend, TaskMailbox mailbox,
                                                 List<Fired> fired) {
        InternalTimerService<String> timers = new InternalTimerService<>(backend, time, mailbox,
                (key, ts) -> fired.add(new Fired(key, ts)));
        return timers;
    }

    @Test
    void timersFireOnTheTaskThreadInTimestampOrderOncePerKeyAndTime() throws Exception {
        HeapKeyedStateBackend<String> backend =
                new HeapKeyedStateBackend<>(Types.STRING, new KeyGroupRange(0, MAX_PARALLELISM - 1), MAX_PARALLELISM);
        TaskMailbox mailbox = new TaskMailbox();
        mailbox.bindToCurrentThread();
        List<Fired> fired = new ArrayList<>();
        InternalTimerService<String> timers = service(backend, mailbox, fired);
        long now = time.currentProcessingTime();
        backend.setCurrentKey("a");
        timers.register(now + 60);
        timers.register(now + 60);
        backend.setCurrentKey("b");
        timers.register(now + 20);
        timers.register(now + 40);
        timers.delete(now + 40);
        long deadline = System.currentTimeMillis() + 5_000;
        while (fired.size() < 2 && System.currentTimeMillis() < deadline) {
            mailbox.idle(5_000_000);
            mailbox.runAll();
        }
        assertThat(fired).containsExactly(new Fired("b", now + 20), new Fired("a", now + 60));
    }

    @Test
    void timersAreKeyedStateAndMoveWithTheirKeyGroupsOnRestore() throws Exception {
        HeapKeyedStateBackend<String> original =
                new HeapKeyedStateBackend<>(Types.STRING, new KeyGroupRange(0, MAX_PARALLELISM - 1), MAX_PARALLELISM);
        InternalTimerService<String> timers = service(original, new TaskMailbox(), new ArrayList<>());
        long past = time.currentProcessingTime() - 1;
        List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
        for (String key : keys) {
            original.setCurrentKey(key);
            timers.register(past);
        }
        TreeMap<Integer, byte[]> snapshot = original.snapshot();

        List<Fired> firedEverywhere = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            KeyGroupRange range = KeyGroupAssignment.rangeFor(subtask, MAX_PARALLELISM, 2);
            HeapKeyedStateBackend<String> restored = new HeapKeyedStateBackend<>(Types.STRING, range, MAX_PARALLELISM);
            for (Map.Entry<Integer, byte[]> e : snapshot.subMap(range.start(), true, range.end(), true).entrySet()) {
                restored.restoreKeyGroup(e.getKey(), e.getValue());
            }
            TaskMailbox mailbox = new TaskMailbox();
            List<Fired> fired = new ArrayList<>();
            InternalTimerService<String> restoredTimers = service(restored, mailbox, fired);
            restoredTimers.fireDueTimers();
            for (Fired f : fired) {
                assertThat(range.contains(KeyGroupAssignment.keyGroupFor(f.key(), MAX_PARALLELISM))).isTrue();
            }
            firedEverywhere.addAll(fired);
        }
        assertThat(firedEverywhere).extracting(Fired::key).containsExactlyInAnyOrderElementsOf(keys);
    }
}
