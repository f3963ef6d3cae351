package dev.weir.runtime.exec.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.dataflow.ReaderOutput;
import dev.weir.runtime.dataflow.eventtime.TimestampAssigner;
import dev.weir.runtime.dataflow.eventtime.WatermarkGenerator;
import dev.weir.runtime.dataflow.eventtime.WatermarkOutput;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.WatermarkStatus;

/**
 * A source subtask's event time (Flink's per-split watermark multiplexing): each split gets its own
 * generator; per record the assigner and that generator run (the only per-record cost); every
 * auto-watermark interval the subtask's watermark becomes the minimum over the splits that are
 * neither idle nor released, and goes downstream if it advanced. With no live split left the
 * subtask is idle until its next record.
 */
final class SourceWatermarks implements ReaderOutput<Object> {

    private final TimestampAssigner<Object> assigner;
    private final WatermarkStrategy<Object> strategy;
    private final long intervalNanos;
    private final long idleNanos;
    private final Output downstream;
    private final RecordTimestamp timestamp;
    private final Split subtaskSplit;
    private final Map<String, Split> splits = new HashMap<>();
    private final List<Split> live = new ArrayList<>();
    private long emitted;
    private long nextEmitNanos;
    private long lastTickNanos;
    private long lastWatermark = RecordBatch.NO_TIMESTAMP;
    private boolean idle;

    @SuppressWarnings("unchecked")
    SourceWatermarks(WatermarkStrategy<?> strategy, Output downstream, RecordTimestamp timestamp, long nowNanos) {
        this.strategy = (WatermarkStrategy<Object>) strategy;
        this.assigner = this.strategy.timestampAssigner();
        this.intervalNanos = strategy.autoWatermarkInterval().toNanos();
        this.idleNanos = strategy.idleTimeout() == null ? Long.MAX_VALUE : strategy.idleTimeout().toNanos();
        this.downstream = downstream;
        this.timestamp = timestamp;
        this.subtaskSplit = new Split(this.strategy.createGenerator(), nowNanos);
        this.nextEmitNanos = nowNanos + intervalNanos;
        this.lastTickNanos = nowNanos;
    }

    /** Records emitted so far (for metrics). */
    long emitted() {
        return emitted;
    }

    @Override
    public void collect(Object record) {
        subtaskSplit.collect(record);
    }

    @Override
    public Collector<Object> forSplit(String splitId) {
        Split split = splits.get(splitId);
        if (split == null) {
            split = new Split(strategy.createGenerator(), lastTickNanos);
            splits.put(splitId, split);
            live.add(split);
        }
        return split;
    }

    @Override
    public void releaseSplit(String splitId) {
        Split split = splits.get(splitId);
        if (split != null && !split.released) {
            split.released = true;
            live.remove(split);
        }
    }

    /** The latest watermark emitted downstream, {@link RecordBatch#NO_TIMESTAMP} before the first. */
    long lastWatermark() {
        return lastWatermark;
    }

    /** Once per poll: cheap until the interval is up. */
    void emitPeriodic(long nowNanos) {
        if (nowNanos - nextEmitNanos < 0) {
            return;
        }
        nextEmitNanos = nowNanos + intervalNanos;
        lastTickNanos = nowNanos;
        long min = Long.MAX_VALUE;
        boolean anyLive = false;
        // The subtask's own output counts once it was used, or when the reader has no splits at all.
        if (subtaskSplit.used || splits.isEmpty()) {
            anyLive |= subtaskSplit.tick(nowNanos);
            if (!subtaskSplit.idle) {
                min = Math.min(min, subtaskSplit.watermark);
            }
        }
        for (int i = 0, n = live.size(); i < n; i++) {
            Split split = live.get(i);
            if (split.tick(nowNanos)) {
                anyLive = true;
                min = Math.min(min, split.watermark);
            }
        }
        if (!anyLive) {
            if (!idle) {
                idle = true;
                downstream.emitWatermarkStatus(WatermarkStatus.IDLE);
            }
        } else if (min > lastWatermark && min != RecordBatch.NO_TIMESTAMP) {
            lastWatermark = min;
            downstream.emitWatermark(min);
        }
    }

    private void recordArrived() {
        if (idle) {
            idle = false;
            downstream.emitWatermarkStatus(WatermarkStatus.ACTIVE);
        }
    }

    /** One split's generator and its last watermark. */
    private final class Split implements Collector<Object>, WatermarkOutput {
        private final WatermarkGenerator<Object> generator;
        private long watermark = RecordBatch.NO_TIMESTAMP;
        private long lastActiveNanos;
        private boolean active;
        private boolean idle;
        private boolean used;
        private boolean released;

        Split(WatermarkGenerator<Object> generator, long nowNanos) {
            this.generator = generator;
            this.lastActiveNanos = nowNanos;
        }

        @Override
        public void collect(Object record) {
            long ts = assigner == null ? RecordBatch.NO_TIMESTAMP : assigner.extractTimestamp(record);
            timestamp.set(ts);
            generator.onEvent(record, ts, this);
            if (!active) {
                active = true;
                used = true;
                recordArrived();
            }
            emitted++;
            downstream.collect(record);
        }

        /** Asks the generator for a watermark and updates idleness; true when the split is live. */
        boolean tick(long nowNanos) {
            if (active) {
                active = false;
                idle = false;
                lastActiveNanos = nowNanos;
            } else if (nowNanos - lastActiveNanos >= idleNanos) {
                idle = true;
            }
            generator.onPeriodicEmit(this);
            return !idle;
        }

        @Override
        public void emitWatermark(long candidate) {
            if (candidate > watermark) {
                watermark = candidate;
            }
        }

        @Override
        public void markIdle() {
            idle = true;
        }
    }
}
