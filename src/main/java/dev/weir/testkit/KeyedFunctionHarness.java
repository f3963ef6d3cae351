package dev.weir.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.ValueState;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Runs a {@link KeyedProcessFunction} the way a job runs it after a {@code keyBy}, without a
 * cluster: one instance per subtask, each record sent to the subtask owning its key's key group,
 * keyed state in the engine's own heap backend, processing-time timers on a clock the test moves,
 * event-time timers fired by the watermarks the test sends ({@link #processWatermark}),
 * and checkpoints that write each key group's state and timers through your key and state
 * serializers and restore them at any parallelism, as a rescale does.
 *
 * <pre>{@code
 * KeyedFunctionHarness<String, Reading, String> harness = KeyedFunctionHarness
 *         .forFunction(StatsFunction::new, Reading::sensor, Types.STRING)
 *         .inputSerializer(new ReadingSerializer())   // records cross the keyBy serialized, as between workers
 *         .parallelism(2)
 *         .open();
 * harness.processElement(new Reading("s-1", 0, 215));
 * KeyedFunctionHarness.Snapshot checkpoint = harness.snapshot();
 * harness.restore(checkpoint, 3);                     // as after a failure, rescaled to 3 subtasks
 * harness.processElement(new Reading("s-1", 1, 230));
 * assertThat(harness.takeOutput()).containsExactly(...);
 * }</pre>
 *
 * <p>Everything runs on the calling thread. A timer registered for a time that has already come
 * fires right after the record (or timer) that registered it, as the engine fires it between
 * records; later ones fire when {@link #setProcessingTime} or {@link #advanceProcessingTime}
 * reaches them. {@link #runWithRestoreAfterEveryRecord} is the keyed-function counterpart of
 * {@link SinkTestHarness#runWithRestoreAfterEveryItem}.
 */
public final class KeyedFunctionHarness<K, I, O> implements AutoCloseable {

    /** The operator uid the harness gives the function (what a job names with {@code uid(...)}). */
    static final String UID = "function";
    /** The engine's default: {@code spec.job.maxParallelism}. */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    /**
     * A checkpoint of the function's keyed state: per key group, the bytes a checkpoint writes
     * (every state table and the timers of the keys in that group).
     */
    public record Snapshot(long checkpointId, int maxParallelism, SortedMap<Integer, byte[]> keyGroups) {

        public Snapshot {
            keyGroups = Collections.unmodifiableSortedMap(new TreeMap<>(keyGroups));
        }

        public long sizeInBytes() {
            return keyGroups.values().stream().mapToLong(bytes -> bytes.length).sum();
        }
    }

    private final Builder<K, I, O> settings;
    private final Partitioning.KeyBy<I, K> keyBy;
    private final List<O> output = new ArrayList<>();
    private final Map<String, List<Object>> sideOutputs = new LinkedHashMap<>();
    private final List<KeyedSubtask> subtasks = new ArrayList<>();
    private ManualProcessingTimeService time;
    private long attempt;
    private long nextCheckpointId = 1;

    private KeyedFunctionHarness(Builder<K, I, O> settings) {
        this.settings = settings;
        this.keyBy = new Partitioning.KeyBy<>(settings.keySelector, settings.keySerializer);
    }

    /**
     * @param function makes one instance per subtask (and new ones on every restore), as each
     *                 subtask of a job builds its own
     */
    public static <K, I, O> Builder<K, I, O> forFunction(Supplier<? extends KeyedProcessFunction<K, I, O>> function,
                                                         KeySelector<I, K> keySelector, TypeSerializer<K> keySerializer) {
        return new Builder<>(function, keySelector, keySerializer);
    }

    /**
     * Plays {@code input} with a checkpoint after every record and a restore from it at a
     * parallelism picked at random from {@code parallelisms}; now and then the restore goes one
     * checkpoint further back and the record is played again, its output discarded as a sink
     * discards output after the restored checkpoint. Returns the output that survived: for a
     * function whose state survives checkpoints, the same as without any restore. The run starts
     * at {@code parallelisms[0]}.
     */
    public static <K, I, O> List<O> runWithRestoreAfterEveryRecord(Builder<K, I, O> builder, List<? extends I> input,
                                                                   long seed, int... parallelisms) throws Exception {
        if (parallelisms.length == 0) {
            throw new IllegalArgumentException("give at least one parallelism");
        }
        Random random = new Random(seed);
        try (KeyedFunctionHarness<K, I, O> harness = builder.parallelism(parallelisms[0]).open()) {
            Snapshot previous = harness.snapshot();
            List<O> committed = new ArrayList<>();
            int position = 0;
            while (position < input.size()) {
                harness.processElement(input.get(position));
                Snapshot latest = harness.snapshot();
                int parallelism = parallelisms[random.nextInt(parallelisms.length)];
                if (random.nextInt(3) == 0) {
                    harness.takeOutput(); // produced after the restored checkpoint: never committed
                    harness.restore(previous, parallelism);
                } else {
                    committed.addAll(harness.takeOutput());
                    harness.restore(latest, parallelism);
                    previous = latest;
                    position++;
                }
            }
            return committed;
        }
    }

    public void processElement(I record) throws Exception {
        processElement(record, RecordBatch.NO_TIMESTAMP);
    }

    /** A record with its event timestamp (what the source's timestamp assigner gave it). */
    public void processElement(I record, long timestamp) throws Exception {
        I delivered = SerializedCopy.of(settings.inputSerializer, record, "input record");
        // Routed by the sender's key, keyed again by the receiver from its copy: as across a keyBy.
        subtasks.get(subtaskOf(settings.keySelector.getKey(record))).process(delivered, timestamp);
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
    public Snapshot snapshot() throws Exception {
        TreeMap<Integer, byte[]> keyGroups = new TreeMap<>();
        for (KeyedSubtask subtask : subtasks) {
            keyGroups.putAll(subtask.snapshot());
        }
        return new Snapshot(nextCheckpointId++, settings.maxParallelism, keyGroups);
    }

    /**
     * As after a failure: the current instances are dropped without {@code close()} (a crashed
     * worker closes nothing), and {@code parallelism} new ones open on the key groups the engine
     * would give them, each reading the snapshot's bytes of its key groups. Timers that came due
     * meanwhile fire at once.
     */
    public void restore(Snapshot snapshot, int parallelism) throws Exception {
        if (snapshot.maxParallelism() != settings.maxParallelism) {
            throw new IllegalArgumentException("the snapshot was taken with maxParallelism " + snapshot.maxParallelism()
                    + " but the harness has " + settings.maxParallelism
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
        int keyGroup = KeyGroupAssignment.keyGroupFor(key, settings.maxParallelism);
        return KeyGroupAssignment.subtaskFor(keyGroup, settings.maxParallelism, subtasks.size());
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

    private void openSubtasks(int parallelism, long checkpointId, SortedMap<Integer, byte[]> keyGroups)
            throws Exception {
        if (parallelism < 1 || parallelism > settings.maxParallelism) {
            throw new IllegalArgumentException("parallelism must be between 1 and maxParallelism "
                    + settings.maxParallelism + " (got " + parallelism + ")");
        }
        long now = time == null ? settings.startTime : time.currentProcessingTime();
        if (time != null) {
            time.close(); // the old subtasks' wake-ups die with them
        }
        time = new ManualProcessingTimeService(now);
        subtasks.clear();
        for (int s = 0; s < parallelism; s++) {
            KeyGroupRange range = KeyGroupAssignment.rangeFor(s, settings.maxParallelism, parallelism);
            KeyedSubtask.Placement placement = new KeyedSubtask.Placement(s, parallelism, settings.maxParallelism,
                    attempt, checkpointId, keyGroups.subMap(range.start(), range.end() + 1));
            subtasks.add(new KeyedSubtask(settings.function.get(), keyBy, placement, time, this::emit,
                    this::emitSide));
        }
    }

    @SuppressWarnings("unchecked")
    private void emit(Object record) {
        try {
            output.add(SerializedCopy.of(settings.outputSerializer, (O) record, "output record"));
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

    /** How the harness is set up; {@link #open()} starts it. */
    public static final class Builder<K, I, O> {
        private final Supplier<? extends KeyedProcessFunction<K, I, O>> function;
        private final KeySelector<I, K> keySelector;
        private final TypeSerializer<K> keySerializer;
        private int parallelism = 1;
        private int maxParallelism = DEFAULT_MAX_PARALLELISM;
        private TypeSerializer<I> inputSerializer;
        private TypeSerializer<O> outputSerializer;
        private long startTime;

        private Builder(Supplier<? extends KeyedProcessFunction<K, I, O>> function, KeySelector<I, K> keySelector,
                        TypeSerializer<K> keySerializer) {
            if (function == null || keySelector == null || keySerializer == null) {
                throw new IllegalArgumentException("function, key selector and key serializer are required");
            }
            this.function = function;
            this.keySelector = keySelector;
            this.keySerializer = keySerializer;
        }

        public Builder<K, I, O> parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder<K, I, O> maxParallelism(int maxParallelism) {
            if (maxParallelism < 1) {
                throw new IllegalArgumentException("maxParallelism must be >= 1 (got " + maxParallelism + ")");
            }
            this.maxParallelism = maxParallelism;
            return this;
        }

        /** Every record is written and read back with it before the function sees it, as between workers. */
        public Builder<K, I, O> inputSerializer(TypeSerializer<I> serializer) {
            this.inputSerializer = serializer;
            return this;
        }

        /** Every emitted record is written and read back with it, for output that crosses workers again. */
        public Builder<K, I, O> outputSerializer(TypeSerializer<O> serializer) {
            this.outputSerializer = serializer;
            return this;
        }

        /** Processing time when the harness opens (default 0). */
        public Builder<K, I, O> startTime(long startTime) {
            this.startTime = startTime;
            return this;
        }

        public KeyedFunctionHarness<K, I, O> open() throws Exception {
            KeyedFunctionHarness<K, I, O> harness = new KeyedFunctionHarness<>(this);
            harness.openSubtasks(parallelism, OperatorStateRestore.NO_CHECKPOINT, new TreeMap<>());
            return harness;
        }
    }
}
