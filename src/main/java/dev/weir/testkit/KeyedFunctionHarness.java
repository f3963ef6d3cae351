package dev.weir.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.exec.operators.KeyedProcessOperator;
import dev.weir.runtime.network.RecordBatch;
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
public final class KeyedFunctionHarness<K, I, O> extends AbstractKeyedHarness<K, O> {

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

    private KeyedFunctionHarness(Builder<K, I, O> settings) {
        super(settings.maxParallelism, settings.startTime, settings.outputSerializer, () -> new KeyedProcessOperator(
                settings.function.get(), new Partitioning.KeyBy<>(settings.keySelector, settings.keySerializer)));
        this.settings = settings;
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
        deliver(0, settings.keySelector.getKey(record), delivered, timestamp);
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
