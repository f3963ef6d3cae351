package dev.weir.runtime.exec.operators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.OutputTag;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.dataflow.functions.ProcessJoinFunction;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.state.MapState;
import dev.weir.runtime.state.StateDescriptor;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * An event-time interval join of two keyed inputs: a left record at {@code l} and a right record
 * of the same key at {@code r} are a pair when {@code l + lower <= r <= l + upper}. Each record is
 * buffered in keyed state (by timestamp) for as long as a record of the other input could still
 * pair with it, and paired with the other input's buffer when it arrives; an event-time timer
 * drops it once the watermark has passed that time (left: {@code l + upper}, right:
 * {@code r - lower}). Records at or behind the watermark are late, as no buffered partner of
 * theirs is guaranteed to be left: dropped, or emitted as they are to their input's late-data side
 * output. Pairs carry the later of the two timestamps.
 */
public final class IntervalJoinOperator extends AbstractKeyedTwoInputOperator {

    private final ProcessJoinFunction<Object, Object, Object> function;
    private final long lower;
    private final long upper;
    private final TypeSerializer<Object> leftSerializer;
    private final TypeSerializer<Object> rightSerializer;
    private MapState<Long, List<Object>> leftBuffer;
    private MapState<Long, List<Object>> rightBuffer;
    private final PairContext pair = new PairContext();
    private OutputTag<?> leftLateData;
    private OutputTag<?> rightLateData;

    /** @param leftSerializer the left records' serializer in the buffer (keyed state), likewise {@code rightSerializer} */
    @SuppressWarnings("unchecked")
    public IntervalJoinOperator(ProcessJoinFunction<?, ?, ?> function, long lower, long upper,
                                Partitioning.KeyBy<?, ?> leftKeyBy, Partitioning.KeyBy<?, ?> rightKeyBy,
                                TypeSerializer<?> leftSerializer, TypeSerializer<?> rightSerializer) {
        super(leftKeyBy, rightKeyBy);
        if (lower > upper) {
            throw new IllegalArgumentException("interval join: lower bound " + lower + " is above upper bound " + upper);
        }
        this.function = (ProcessJoinFunction<Object, Object, Object>) function;
        this.lower = lower;
        this.upper = upper;
        this.leftSerializer = (TypeSerializer<Object>) leftSerializer;
        this.rightSerializer = (TypeSerializer<Object>) rightSerializer;
    }

    /** Late left records go to side output {@code left} and late right ones to {@code right}; null drops them. */
    public IntervalJoinOperator withLateDataOutputs(OutputTag<?> left, OutputTag<?> right) {
        this.leftLateData = left;
        this.rightLateData = right;
        return this;
    }

    @Override
    protected void openFunction() throws Exception {
        leftBuffer = backend.getState(StateDescriptor.map("interval-join-left", Types.LONG, Types.list(leftSerializer)));
        rightBuffer = backend.getState(StateDescriptor.map("interval-join-right", Types.LONG, Types.list(rightSerializer)));
        function.open(this);
    }

    @Override
    protected void processElement1(Object record) throws Exception {
        long timestamp = eventTime("left");
        if (isLate(timestamp)) {
            emitLate(leftLateData, record);
            return;
        }
        buffer(leftBuffer, timestamp, record);
        for (Map.Entry<Long, List<Object>> entry : rightBuffer.entries()) {
            long right = entry.getKey();
            if (right >= timestamp + lower && right <= timestamp + upper) {
                for (Object other : entry.getValue()) {
                    emit(record, timestamp, other, right);
                }
            }
        }
        registerEventTimeTimer(timestamp + upper);
    }

    @Override
    protected void processElement2(Object record) throws Exception {
        long timestamp = eventTime("right");
        if (isLate(timestamp)) {
            emitLate(rightLateData, record);
            return;
        }
        buffer(rightBuffer, timestamp, record);
        for (Map.Entry<Long, List<Object>> entry : leftBuffer.entries()) {
            long left = entry.getKey();
            if (timestamp >= left + lower && timestamp <= left + upper) {
                for (Object other : entry.getValue()) {
                    emit(other, left, record, timestamp);
                }
            }
        }
        registerEventTimeTimer(timestamp - lower);
    }

    /** The watermark reached {@code timestamp}: the left records of {@code timestamp - upper} and the right ones of {@code timestamp + lower} can pair no more. */
    @Override
    protected void invokeOnTimer(long timestamp) {
        leftBuffer.remove(timestamp - upper);
        rightBuffer.remove(timestamp + lower);
    }

    @Override
    protected void invokeEndInput() {}

    @Override
    protected void closeFunction() throws Exception {
        function.close();
    }

    private long eventTime(String side) {
        if (!recordTimestamp.isSet()) {
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION, "interval join '" + uid()
                    + "': a " + side + " record has no event time; read its source with a WatermarkStrategy");
        }
        return recordTimestamp.get();
    }

    private boolean isLate(long timestamp) {
        long watermark = currentWatermark();
        return watermark != RecordBatch.NO_TIMESTAMP && timestamp <= watermark;
    }

    /** With the record's own timestamp, as the side output of a one-input window's late data. */
    private void emitLate(OutputTag<?> tag, Object record) {
        if (tag != null) {
            output.collect(tag, record);
        }
    }

    private static void buffer(MapState<Long, List<Object>> buffer, long timestamp, Object record) {
        List<Object> existing = buffer.get(timestamp);
        List<Object> records = existing == null ? new ArrayList<>(1) : new ArrayList<>(existing);
        records.add(record);
        buffer.put(timestamp, records);
    }

    private void emit(Object left, long leftAt, Object right, long rightAt) throws Exception {
        long current = recordTimestamp.get();
        pair.leftTimestamp = leftAt;
        pair.rightTimestamp = rightAt;
        recordTimestamp.set(Math.max(leftAt, rightAt));
        try {
            function.processElement(left, right, pair, output);
        } finally {
            recordTimestamp.set(current);
        }
    }

    /** What the join function sees of the pair it is called for. */
    private final class PairContext implements ProcessJoinFunction.Context {
        private long leftTimestamp;
        private long rightTimestamp;

        @Override
        public long leftTimestamp() {
            return leftTimestamp;
        }

        @Override
        public long rightTimestamp() {
            return rightTimestamp;
        }

        @Override
        public long timestamp() {
            return Math.max(leftTimestamp, rightTimestamp);
        }

        @Override
        public <X> void output(OutputTag<X> tag, X value) {
            output.collect(tag, value);
        }
    }
}
