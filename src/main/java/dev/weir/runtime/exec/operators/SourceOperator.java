package dev.weir.runtime.exec.operators;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.ReaderOutput;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.eventtime.WatermarkStrategy;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.network.RecordBatch;
import dev.weir.runtime.network.Watermark;

/**
 * The head of a source task: polls the reader; its read position is the operator state. With a
 * watermark strategy, records get their timestamps here and per-split watermarks are emitted
 * every auto-watermark interval ({@link SourceWatermarks}); either way the end of input is the
 * final watermark, {@link Watermark#MAX}.
 */
public final class SourceOperator extends StreamOperator {

    private final Source<Object> source;
    private final WatermarkStrategy<?> watermarkStrategy;
    private SourceReader<Object> reader;
    private ReaderOutput<Object> readerOutput;
    private SourceWatermarks watermarks;
    private long plainEmitted;
    private long reported;
    private boolean ended;

    @SuppressWarnings("unchecked")
    public SourceOperator(Source<?> source, WatermarkStrategy<?> watermarkStrategy) {
        this.source = (Source<Object>) source;
        this.watermarkStrategy = watermarkStrategy;
    }

    @Override
    public void setup(OperatorContext context, Output output) {
        super.setup(context, output);
        if (watermarkStrategy != null) {
            watermarks = new SourceWatermarks(watermarkStrategy, output, context.recordTimestamp(), System.nanoTime());
            readerOutput = watermarks;
        } else {
            readerOutput = new PlainOutput();
        }
    }

    /**
     * Every record emitted so far; any thread may read it without synchronization (a plain long,
     * as Flink's {@code SimpleCounter}), and may see it a few records behind.
     */
    public long emittedSoFar() {
        return watermarks != null ? watermarks.emitted() : plainEmitted;
    }

    /** What the reader last measured of the records it has yet to read, -1 if unknown. Any thread once open. */
    public long pendingRecords() {
        SourceReader<Object> current = reader;
        return current == null ? -1 : current.pendingRecords();
    }

    /** Records emitted since the last call (for metrics, read per poll, not per record). */
    public long takeEmittedCount() {
        long emitted = emittedSoFar();
        long delta = emitted - reported;
        reported = emitted;
        return delta;
    }

    @Override
    public void open() throws Exception {
        context.recordTimestamp().set(RecordBatch.NO_TIMESTAMP);
        reader = source.createReader(new SourceContext(context.jobName(), context.subtask(),
                context.parallelism(), context.maxParallelism(), context.attempt(), context.operatorState()));
    }

    public InputStatus pollNext() throws Exception {
        return reader.pollNext(readerOutput);
    }

    /** Called after each poll; emits a watermark when the auto-watermark interval is up and it advanced. */
    public void emitPeriodicWatermark() {
        if (watermarks != null) {
            watermarks.emitPeriodic(System.nanoTime());
        }
    }

    /**
     * The watermark this source emitted last: {@link RecordBatch#NO_TIMESTAMP} before any (and
     * always without a watermark strategy, until the end of input). Task thread.
     */
    public long currentWatermark() {
        if (ended) {
            return Watermark.MAX.timestamp();
        }
        return watermarks == null ? RecordBatch.NO_TIMESTAMP : watermarks.lastWatermark();
    }

    /** End of input is the final watermark: every pending event-time timer and window downstream fires. */
    @Override
    public void endInput() {
        ended = true;
        output.emitWatermark(Watermark.MAX.timestamp());
    }

    @Override
    public void collect(Object record) {
        throw new UnsupportedOperationException("a source has no input");
    }

    @Override
    public byte[] snapshotOperatorState(long checkpointId) throws Exception {
        return reader.snapshotState(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        if (reader != null) {
            reader.close();
        }
    }

    /** Without a watermark strategy: records pass as they are, splits make no difference. */
    private final class PlainOutput implements ReaderOutput<Object> {
        @Override
        public void collect(Object record) {
            plainEmitted++;
            output.collect(record);
        }

        @Override
        public Collector<Object> forSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseSplit(String splitId) {}
    }
}
