package dev.weir.runtime.exec.operators;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.PriorityQueue;

import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupedStatePart;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Processing-time timers of one keyed operator. Timers are keyed state (snapshotted per key
 * group, so they move with their keys on rescale). Firing is a mail on the task thread.
 */
final class InternalTimerService<K> implements KeyGroupedStatePart {

    record Timer<K>(K key, long timestamp) {}

    interface Triggerable<K> {
        void onTimer(K key, long timestamp) throws Exception;
    }

    private final KeyedStateBackend<K> backend;
    private final TypeSerializer<K> keySerializer;
    private final ProcessingTimeService timeService;
    private final TaskMailbox mailbox;
    private final Triggerable<K> target;
    private final HashSet<Timer<K>>[] timersByKeyGroup;
    private final PriorityQueue<Timer<K>> queue =
            new PriorityQueue<>((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
    private long scheduledWakeUp = Long.MAX_VALUE;

    @SuppressWarnings("unchecked")
    InternalTimerService(KeyedStateBackend<K> backend, ProcessingTimeService timeService,
                         TaskMailbox mailbox, Triggerable<K> target) {
        this.backend = backend;
        this.keySerializer = backend.keySerializer();
        this.timeService = timeService;
        this.mailbox = mailbox;
        this.target = target;
        this.timersByKeyGroup = new HashSet[backend.keyGroupRange().size()];
        for (int i = 0; i < timersByKeyGroup.length; i++) {
            timersByKeyGroup[i] = new HashSet<>();
        }
    }

    long currentProcessingTime() {
        return timeService.currentProcessingTime();
    }

    void register(long timestamp) {
        Timer<K> timer = new Timer<>(backend.currentKey(), timestamp);
        if (timersByKeyGroup[keyGroupIndex(timer.key())].add(timer)) {
            queue.add(timer);
            scheduleWakeUp(timestamp);
        }
    }

    void delete(long timestamp) {
        Timer<K> timer = new Timer<>(backend.currentKey(), timestamp);
        // The queue entry is dropped lazily when it comes up: firing checks the set.
        timersByKeyGroup[keyGroupIndex(timer.key())].remove(timer);
    }

    private int keyGroupIndex(K key) {
        return KeyGroupAssignment.keyGroupFor(key, backend.maxParallelism()) - backend.keyGroupRange().start();
    }

    private void scheduleWakeUp(long timestamp) {
        if (timestamp < scheduledWakeUp) {
            scheduledWakeUp = timestamp;
            timeService.scheduleAt(timestamp, () -> mailbox.put(this::fireDueTimers));
        }
    }

    /** Fires every timer due now, on the task thread; re-arms for the next one. */
    void fireDueTimers() throws Exception {
        scheduledWakeUp = Long.MAX_VALUE;
        long now = timeService.currentProcessingTime();
        Timer<K> head;
        while ((head = queue.peek()) != null && head.timestamp() <= now) {
            queue.poll();
            int index = keyGroupIndex(head.key());
            if (timersByKeyGroup[index].remove(head)) {
                backend.setCurrentKey(head.key(), index);
                target.onTimer(head.key(), head.timestamp());
            }
        }
        if (head != null) {
            scheduleWakeUp(head.timestamp());
        }
    }

    /** After a restore: arm the wake-up for the earliest restored timer. */
    void start() {
        Timer<K> head = queue.peek();
        if (head != null) {
            scheduleWakeUp(head.timestamp());
        }
    }

    @Override
    public String name() {
        return "_timers";
    }

    @Override
    public boolean isEmpty(int keyGroupIndex) {
        return timersByKeyGroup[keyGroupIndex].isEmpty();
    }

    @Override
    public void write(int keyGroupIndex, DataOutput out) throws IOException {
        HashSet<Timer<K>> timers = timersByKeyGroup[keyGroupIndex];
        out.writeInt(timers.size());
        for (Timer<K> timer : timers) {
            keySerializer.serialize(timer.key(), out);
            out.writeLong(timer.timestamp());
        }
    }

    @Override
    public void read(int keyGroupIndex, DataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Timer<K> timer = new Timer<>(keySerializer.deserialize(in), in.readLong());
            if (timersByKeyGroup[keyGroupIndex].add(timer)) {
                queue.add(timer);
            }
        }
    }
}
