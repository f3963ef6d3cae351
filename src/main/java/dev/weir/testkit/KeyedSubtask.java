package dev.weir.testkit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.exec.ProcessingTimeService;
import dev.weir.runtime.exec.TaskMailbox;
import dev.weir.runtime.exec.operators.AbstractKeyedOperator;
import dev.weir.runtime.exec.operators.OperatorContext;
import dev.weir.runtime.exec.operators.Output;
import dev.weir.runtime.exec.operators.RecordTimestamp;
import dev.weir.runtime.exec.operators.StreamOperator;
import dev.weir.runtime.network.WatermarkStatus;
import dev.weir.runtime.state.HeapKeyedStateBackend;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.state.StateBackendSettings;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.state.KeyGroupRange;
import dev.weir.runtime.state.StateDescriptor;

/**
 * One subtask of a keyed function as the engine runs it: the engine's own keyed operator
 * ({@link dev.weir.runtime.exec.operators.KeyedProcessOperator} or a two-input one; heap state
 * backend, timer service) with its mailbox, opened on the key groups the subtask owns and on the
 * snapshot bytes of those key groups.
 */
final class KeyedSubtask {

    private final AbstractKeyedOperator operator;
    private final TaskMailbox mailbox = new TaskMailbox();
    private final RecordTimestamp timestamp = new RecordTimestamp();

    /** Where the subtask sits in the job and what it restores from. */
    record Placement(int subtask, int parallelism, int maxParallelism, long attempt, long checkpointId,
                     Map<Integer, byte[]> restoredKeyGroups) {

        KeyGroupRange keyGroups() {
            return KeyGroupAssignment.rangeFor(subtask, maxParallelism, parallelism);
        }
    }

    KeyedSubtask(AbstractKeyedOperator operator, Placement placement, ProcessingTimeService time,
                 Collector<Object> output, BiConsumer<OutputTag<?>, Object> sideOutput) throws Exception {
        this.operator = operator;
        OperatorStateRestore operatorState = new OperatorStateRestore(placement.subtask(), placement.parallelism(),
                placement.checkpointId(), List.of());
        operator.setup(new OperatorContext("test", KeyedFunctionHarness.UID, placement.subtask(),
                placement.parallelism(), placement.maxParallelism(), placement.attempt(), placement.keyGroups(),
                operatorState, KeyedStateRestore.ofKeyGroups(placement.restoredKeyGroups()), StateBackendSettings.HEAP, time,
                mailbox, timestamp), new Output() {
                    @Override
                    public void collect(Object record) {
                        output.collect(record);
                    }

                    @Override
                    public void collect(OutputTag<?> tag, Object record) {
                        sideOutput.accept(tag, record);
                    }

                    @Override
                    public void emitWatermark(long watermark) {}

                    @Override
                    public void emitWatermarkStatus(WatermarkStatus status) {}
                });
        operator.open();
    }

    /** A record for the operator's input {@code input} (0, or 1 for a two-input operator's second). */
    void process(int input, Object record, long recordTimestamp) throws Exception {
        timestamp.set(recordTimestamp);
        try {
            operator.input(input).collect(record);
        } catch (StreamOperator.UserCodeException e) {
            // The engine carries a function's checked exception through its direct calls; a test wants it back.
            throw (Exception) e.getCause();
        }
    }

    void processWatermark(long watermark) throws Exception {
        operator.processWatermark(watermark);
    }

    void endInput() throws Exception {
        operator.processWatermark(Long.MAX_VALUE);
        operator.endInput();
    }

    /** Runs the mail the timer service posted (timers that are due); returns how many ran. */
    int runMail() throws Exception {
        return mailbox.runAll();
    }

    /** The key groups this subtask holds state or timers for, as a checkpoint writes them. */
    TreeMap<Integer, byte[]> snapshot() throws Exception {
        return ((HeapKeyedStateBackend<?>) operator.keyedStateBackend()).snapshot();
    }

    @SuppressWarnings("unchecked")
    <K, S, R> R readState(K key, StateDescriptor<S> descriptor, Function<? super S, R> read) {
        KeyedStateBackend<K> backend = (KeyedStateBackend<K>) operator.keyedStateBackend();
        backend.setCurrentKey(key);
        return read.apply(backend.getState(descriptor));
    }

    void close() throws Exception {
        operator.close();
    }
}
