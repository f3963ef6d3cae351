package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimeDomain;
import dev.weir.runtime.dataflow.functions.TimerService;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateBackends;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.StateDescriptor;

/**
 * Runs a {@link KeyedProcessFunction}: sets the record's key on the state backend, then calls it.
 * A watermark fires the event-time timers it passed before it goes downstream.
 */
public final class KeyedProcessOperator extends StreamOperator
        implements KeyedProcessFunction.Context<Object>, TimerService, RuntimeContext {

    private final KeyedProcessFunction<Object, Object, Object> function;
    private final KeySelector<Object, Object> keySelector;
    private final Partitioning.KeyBy<Object, Object> keyBy;
    private KeyedStateBackend<Object> backend;
    private InternalTimerService<Object> timers;
    private RecordTimestamp recordTimestamp;
    private TimeDomain firing;

    @SuppressWarnings("unchecked")
    public KeyedProcessOperator(KeyedProcessFunction<?, ?, ?> function, Partitioning.KeyBy<?, ?> keyBy) {
        this.function = (KeyedProcessFunction<Object, Object, Object>) function;
        this.keyBy = (Partitioning.KeyBy<Object, Object>) keyBy;
        this.keySelector = this.keyBy.keySelector();
    }

    @Override
    public void open() throws Exception {
        backend = KeyedStateBackends.create(context.stateBackend(), keyBy.keySerializer(), context.keyGroupRange(),
                context.maxParallelism(), context.jobName() + "-" + uid() + "-" + context.subtask());
        backend.setTtlTimeProvider(context.timeService()::currentProcessingTime);
        backend.restore(context.keyedState());
        recordTimestamp = context.recordTimestamp();
        timers = new InternalTimerService<>(backend, context.timeService(), context.mailbox(),
                (key, timestamp) -> onTimer(timestamp, TimeDomain.PROCESSING_TIME, RecordBatch.NO_TIMESTAMP),
                (key, timestamp) -> onTimer(timestamp, TimeDomain.EVENT_TIME, timestamp));
        function.open(this);
        timers.start();
    }

    @Override
    public void collect(Object record) {
        try {
            backend.setCurrentKey(keySelector.getKey(record));
            function.processElement(record, this, output);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    /** Records emitted from a timer carry its time (event time) or none (processing time). */
    private void onTimer(long timestamp, TimeDomain domain, long outputTimestamp) throws Exception {
        recordTimestamp.set(outputTimestamp);
        firing = domain;
        try {
            function.onTimer(timestamp, this, output);
        } finally {
            firing = null;
        }
    }

    @Override
    public void processWatermark(long watermark) throws Exception {
        timers.advanceWatermark(watermark);
        output.emitWatermark(watermark);
    }

    /** The final watermark has fired the event-time timers; now the processing-time ones, then the hook. */
    @Override
    public void endInput() throws Exception {
        timers.fireAllProcessingTimeTimers();
        recordTimestamp.set(RecordBatch.NO_TIMESTAMP);
        function.endInput(output);
    }

    @Override
    public KeyedStateBackend<?> keyedStateBackend() {
        return backend;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        backend.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        backend.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        try {
            function.close();
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    // KeyedProcessFunction.Context

    @Override
    public Object getCurrentKey() {
        return backend.currentKey();
    }

    @Override
    public TimerService timerService() {
        return this;
    }

    @Override
    public Long timestamp() {
        return recordTimestamp.isSet() ? recordTimestamp.get() : null;
    }

    @Override
    public TimeDomain timeDomain() {
        return firing;
    }

    @Override
    public <X> void output(OutputTag<X> tag, X value) {
        output.collect(tag, value);
    }

    // TimerService

    @Override
    public long currentProcessingTime() {
        return timers.currentProcessingTime();
    }

    @Override
    public void registerProcessingTimeTimer(long timestamp) {
        timers.register(timestamp);
    }

    @Override
    public void deleteProcessingTimeTimer(long timestamp) {
        timers.delete(timestamp);
    }

    @Override
    public long currentWatermark() {
        return timers.currentWatermark();
    }

    @Override
    public void registerEventTimeTimer(long timestamp) {
        timers.registerEventTime(timestamp);
    }

    @Override
    public void deleteEventTimeTimer(long timestamp) {
        timers.deleteEventTime(timestamp);
    }

    // RuntimeContext

    @Override
    public int subtaskIndex() {
        return context.subtask();
    }

    @Override
    public int parallelism() {
        return context.parallelism();
    }

    @Override
    public int maxParallelism() {
        return context.maxParallelism();
    }

    @Override
    public <S> S getState(StateDescriptor<S> descriptor) {
        return backend.getState(descriptor);
    }
}
