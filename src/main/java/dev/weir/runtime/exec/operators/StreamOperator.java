package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.network.WatermarkStatus;
import dev.weir.runtime.state.KeyedStateBackend;

/**
 * One operator of a task's chain. It receives records by a direct call to {@link #collect} from
 * the operator before it (or from the task's input) and emits to its output: chained operators
 * never queue or serialize. Watermarks come in the same way, in order with the records (as the
 * operator before it emits them, hence {@link Output}). Every method runs on the task thread.
 */
public abstract class StreamOperator implements Output {

    protected OperatorContext context;
    protected Output output;

    public void setup(OperatorContext context, Output output) {
        this.context = context;
        this.output = output;
    }

    /** The input's watermark advanced: fire what is due, then forward it. */
    public void processWatermark(long watermark) throws Exception {
        output.emitWatermark(watermark);
    }

    @Override
    public final void emitWatermark(long watermark) {
        try {
            processWatermark(watermark);
        } catch (Exception e) {
            throw userCodeFailure(uid(), e);
        }
    }

    /** The input went idle or active again; operators without inputs of their own just forward it. */
    @Override
    public void emitWatermarkStatus(WatermarkStatus status) {
        output.emitWatermarkStatus(status);
    }

    /**
     * Where the task delivers the records of this operator's input {@code index}: the operator itself
     * for its only input; a two-input operator answers for 0 and 1 (created once, not per record).
     */
    public Collector<Object> input(int index) {
        if (index != 0) {
            throw new IllegalArgumentException("operator '" + uid() + "' has one input, not an input " + index);
        }
        return this;
    }

    public String uid() {
        return context.uid();
    }

    /** Restores state (from {@link #context}) and opens user functions. */
    public void open() throws Exception {}

    /** No more input: flush what is buffered downstream. */
    public void endInput() throws Exception {}

    /**
     * Emits the records this operator holds back to combine them, if any: before the task sends a
     * checkpoint barrier (so the records it took in before the barrier go out in front of it) and
     * whenever the task flushes its outputs. Most operators hold nothing back.
     */
    public void flushBuffered() throws Exception {}

    /** Operator (non-keyed) state for checkpoint {@code checkpointId}, or null if it has none. */
    public byte[] snapshotOperatorState(long checkpointId) throws Exception {
        return null;
    }

    /** The keyed state of this operator, or null if it is not keyed. */
    public KeyedStateBackend<?> keyedStateBackend() {
        return null;
    }

    public void notifyCheckpointComplete(long checkpointId) throws Exception {}

    public void notifyCheckpointAborted(long checkpointId) throws Exception {}

    public void close() throws Exception {}

    /** Rethrows a user function's checked exception from inside {@link #collect}. */
    protected static RuntimeException userCodeFailure(String uid, Exception e) {
        if (e instanceof RuntimeException re) {
            return re;
        }
        return new UserCodeException("operator '" + uid + "' failed: " + e, e);
    }

    /** A checked exception thrown by a user function, carried through the chain's direct calls. */
    public static final class UserCodeException extends RuntimeException {
        public UserCodeException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
