package dev.weir.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.exec.operators.AbstractKeyedOperator;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * What the keyed harnesses share: subtasks of one keyed operator of the engine on the key groups
 * the engine would give them, a processing-time clock the test moves, watermarks, the output, and
 * checkpoints of every key group restored at any parallelism. {@link KeyedFunctionHarness} feeds
 * one input, {@link KeyedCoFunctionHarness} two.
 *
 * @param <K> the key type
 * @param <O> what the function emits
 */
public abstract class AbstractKeyedHarness<K, O> implements AutoCloseable {

    private final int maxParallelism;
    private final long startTime;
    private final TypeSerializer<O> outputSerializer;
    private final Supplier<? extends AbstractKeyedOperator> operators;
    private final List<O> output = new ArrayList<>();
    private final Map<String, List<Object>> sideOutputs = new LinkedHashMap<>();
    private final List<KeyedSubtask> subtasks = new ArrayList<>();
    private ManualProcessingTimeService time;
    private long attempt;
    private long nextCheckpointId = 1;

    /** @param operators makes one operator (with a new function instance) per subtask, on every restore too */
    AbstractKeyedHarness(int maxParallelism, long startTime, TypeSerializer<O> outputSerializer,
                         Supplier<? extends AbstractKeyedOperator> operators) {
        this.maxParallelism = maxParallelism;
        this.startTime = startTime;
        this.outputSerializer = outputSerializer;
        this.operators = operators;
    }

    /** Delivers {@code record} (already copied as across a keyBy) to input {@code input} of the subtask owning {@code key}. */
    void deliver(int input, K key, Object record, long timestamp) throws Exception {
        subtasks.get(subtaskOf(key)).process(input, record, timestamp);
        fireDueTimers();
    }

    /**
     * The input watermark reaches {@code watermark} on every subtask (as it does once every
     * upstream subtask got there): event-time timers at or before it fire. After a restore the
     * watermark starts over, as in the engine, where it is not part of the checkpoint.
     */
    public void processWatermark(long watermark) throws Exception {
        for (KeyedSubtask subtask : subtasks) {
            subtask.processWatermark(watermark);
        }
        fireDueTimers();
    }

    /**
     * The end of a bounded input: the final watermark fires every event-time timer, then every
     * processing-time timer fires, then the function's {@code endInput} runs, on every subtask.
     */
    public void endInput() throws Exception {
        for (KeyedSubtask subtask : subtasks) {
            subtask.endInput();
        }
    }

    public long processingTime() {
        return time.currentProcessingTime();
    }

    /** Moves processing time to {@code timestamp} (never back) and fires every timer due by then. */
    public void setProcessingTime(long timestamp) throws Exception {
        time.setTime(timestamp);
        fireDueTimers();
    }

    public void advanceProcessingTime(long millis) throws Exception {
        setProcessingTime(time.currentProcessingTime() + millis);
    }

    /** Everything the function emitted since it was opened or since the last {@link #takeOutput}. */
    public List<O> output() {
        return List.copyOf(output);
    }

    /**
     * What the function emitted so far to side output {@code tag} (each record written and read back
     * with the tag's serializer, as a side output crossing workers is).
     */
    @SuppressWarnings("unchecked")
    public <X> List<X> sideOutput(OutputTag<X> tag) {
        return (List<X>) List.copyOf(sideOutputs.getOrDefault(tag.id(), List.of()));
    }

    /** Returns what was emitted to side output {@code tag} so far and forgets it. */
    public <X> List<X> takeSideOutput(OutputTag<X> tag) {
        List<X> taken = sideOutput(tag);
        sideOutputs.remove(tag.id());
        return taken;
    }

    /** Returns the output so far and forgets it. */
    public List<O> takeOutput() {
        List<O> taken = List.copyOf(output);
        output.clear();
        return taken;
    }

    /** Takes a checkpoint of every subtask's keyed state and timers, as a barrier does. */
    public KeyedFunctionHarness.Snapshot snapshot() throws Exception {
        TreeMap<Integer, byte[]> keyGroups = new TreeMap<>();
        for (KeyedSubtask subtask : subtasks) {
            keyGroups.putAll(subtask.snapshot());
        }
        return new KeyedFunctionHarness.Snapshot(nextCheckpointId++, maxParallelism, keyGroups);
    }

    /**
     * As after a failure: the current instances are dropped without {@code close()} (a crashed
     * worker closes nothing), and {@code parallelism} new ones open on the key groups the engine
     * would give them, each reading the snapshot's bytes of its key groups. Timers that came due
     * meanwhile fire at once.
     */
    public void restore(KeyedFunctionHarness.Snapshot snapshot, int parallelism) throws Exception {
        if (snapshot.maxParallelism() != maxParallelism) {
            throw new IllegalArgumentException("the snapshot was taken with maxParallelism " + snapshot.maxParallelism()
                    + " but the harness has " + maxParallelism
                    + ": keyed state cannot be redistributed across a different number of key groups");
        }
        attempt++;
        openSubtasks(parallelism, snapshot.checkpointId(), snapshot.keyGroups());
        fireDueTimers();
    }

    /** The value of a key's value state, or null: {@code harness.value("s-1", STATS)}. */
    public <T> T value(K key, StateDescriptor.Value<T> descriptor) {
        return state(key, descriptor, ValueState::value);
    }

    /**
     * Reads the state of one key where the function keeps it, e.g.
     * {@code List<Long> recent = harness.state("s-1", RECENT, ListState::get)}.
     */
    public <S, R> R state(K key, StateDescriptor<S> descriptor, Function<? super S, R> read) {
        return subtasks.get(subtaskOf(key)).readState(key, descriptor, read);
    }

    /** The subtask that owns {@code key} at the current parallelism. */
    public int subtaskOf(K key) {
        int keyGroup = KeyGroupAssignment.keyGroupFor(key, maxParallelism);
        return KeyGroupAssignment.subtaskFor(keyGroup, maxParallelism, subtasks.size());
    }

    public int parallelism() {
        return subtasks.size();
    }

    /** Closes the function instances, as a job that ends does. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (KeyedSubtask subtask : subtasks) {
            try {
                subtask.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        subtasks.clear();
        time.close();
        if (first != null) {
            throw first;
        }
    }

    void openSubtasks(int parallelism, long checkpointId, SortedMap<Integer, byte[]> keyGroups)
            throws Exception {
        if (parallelism < 1 || parallelism > maxParallelism) {
            throw new IllegalArgumentException("parallelism must be between 1 and maxParallelism "
                    + maxParallelism + " (got " + parallelism + ")");
        }
        long now = time == null ? startTime : time.currentProcessingTime();
        if (time != null) {
            time.close(); // the old subtasks' wake-ups die with them
        }
        time = new ManualProcessingTimeService(now);
        subtasks.clear();
        for (int s = 0; s < parallelism; s++) {
            KeyGroupRange range = KeyGroupAssignment.rangeFor(s, maxParallelism, parallelism);
            KeyedSubtask.Placement placement = new KeyedSubtask.Placement(s, parallelism, maxParallelism,
                    attempt, checkpointId, keyGroups.subMap(range.start(), range.end() + 1));
            subtasks.add(new KeyedSubtask(operators.get(), placement, time, this::emit, this::emitSide));
        }
    }

    @SuppressWarnings("unchecked")
    private void emit(Object record) {
        try {
            output.add(SerializedCopy.of(outputSerializer, (O) record, "output record"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void emitSide(OutputTag<?> tag, Object record) {
        try {
            Object copy = SerializedCopy.of((TypeSerializer<Object>) tag.serializer(), record, "side output record");
            sideOutputs.computeIfAbsent(tag.id(), id -> new ArrayList<>()).add(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Timers run as mail on their subtask; a timer may register another that is already due. */
    private void fireDueTimers() throws Exception {
        int ran;
        do {
            time.runDue();
            ran = 0;
            for (KeyedSubtask subtask : subtasks) {
                ran += subtask.runMail();
            }
        } while (ran > 0);
    }

}
