package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.dataflow.functions.KeyedProcessFunction;
import dev.weir.runtime.dataflow.functions.RuntimeContext;
import dev.weir.runtime.dataflow.functions.TimeDomain;
import dev.weir.runtime.dataflow.functions.TimerService;
import dev.weir.runtime.state.KeyedStateBackend;
import dev.weir.runtime.state.KeyedStateBackends;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * What every keyed operator has: a keyed state backend over the subtask's key groups, timers in
 * both domains, and the context its function sees. A watermark fires the event-time timers it
 * passed before it goes downstream; end of input fires the processing-time ones, then the
 * function's hook. Subclasses set the key of each record and call their function.
 */
public abstract class AbstractKeyedOperator extends StreamOperator
        implements KeyedProcessFunction.Context<Object>, TimerService, RuntimeContext {

    private final TypeSerializer<Object> keySerializer;
    protected KeyedStateBackend<Object> backend;
    private InternalTimerService<Object> timers;
    /** The timestamp of the record being handled, which records emitted now carry. */
    protected RecordTimestamp recordTimestamp;
    private TimeDomain firing;
    private Object[] keysToPrefetch = new Object[0];

    @SuppressWarnings("unchecked")
    protected AbstractKeyedOperator(TypeSerializer<?> keySerializer) {
        this.keySerializer = (TypeSerializer<Object>) keySerializer;
    }

    /** Opens the user's function; keyed state and timers are ready. */
    protected abstract void openFunction() throws Exception;

    /** A timer of the current key fired. */
    protected abstract void invokeOnTimer(long timestamp) throws Exception;

    /** After the last record and timer, outside any key. */
    protected abstract void invokeEndInput() throws Exception;

    protected abstract void closeFunction() throws Exception;

    /** Sets the key of {@code record} as the current key, or fails as the user's key selector did. */
    protected final void setCurrentKey(KeySelector<Object, Object> keySelector, Object record) throws Exception {
        backend.setCurrentKey(keySelector.getKey(record));
    }

    /**
     * {@link KeyedStateBackend#prefetch} for the keys of {@code batch[from..to)}. A key selector
     * that fails here fails again in {@link #setCurrentKey}, which reports it: a hint has nothing
     * to report.
     */
    protected final void prefetchKeys(KeySelector<Object, Object> keySelector, RecordBatch batch, int from, int to) {
        int count = to - from;
        if (keysToPrefetch.length < count) {
            keysToPrefetch = new Object[count];
        }
        for (int i = 0; i < count; i++) {
            Object key;
            try {
                key = keySelector.getKey(batch.get(from + i));
            } catch (Exception e) {
                key = null; // reported when the record is processed
            }
            keysToPrefetch[i] = key;
        }
        backend.prefetch(keysToPrefetch, count);
    }

    @Override
    public void open() throws Exception {
        backend = KeyedStateBackends.create(context.stateBackend(), keySerializer, context.keyGroupRange(),
                context.maxParallelism(), context.jobName() + "-" + uid() + "-" + context.subtask());
        backend.setTtlTimeProvider(context.timeService()::currentProcessingTime);
        backend.restore(context.keyedState());
        recordTimestamp = context.recordTimestamp();
        timers = new InternalTimerService<>(backend, context.timeService(), context.mailbox(),
                (key, timestamp) -> onTimer(timestamp, TimeDomain.PROCESSING_TIME, RecordBatch.NO_TIMESTAMP),
                (key, timestamp) -> onTimer(timestamp, TimeDomain.EVENT_TIME, timestamp));
        openFunction();
        timers.start();
    }

    /** Records emitted from a timer carry its time (event time) or none (processing time). */
    private void onTimer(long timestamp, TimeDomain domain, long outputTimestamp) throws Exception {
        recordTimestamp.set(outputTimestamp);
        firing = domain;
        try {
            invokeOnTimer(timestamp);
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
        invokeEndInput();
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
            closeFunction();
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
