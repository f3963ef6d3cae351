package dev.weir.connectors.sink;

import java.util.concurrent.TimeUnit;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A sink that writes at most {@code recordsPerSecond} records per second per subtask into another
 * sink, like an external system that takes only so much: the task sleeps when it gets ahead, so its
 * input fills up and back-pressures everything upstream. For benchmarks and tests of checkpoints
 * under backpressure; the inner sink's checkpoint contract is untouched.
 */
public final class RateLimitedSink<T> implements Sink<T> {

    /** Sleeps shorter than this are saved up: the writer then catches up in one go. */
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** A writer that had nothing to write for a while gets no more than this much time to catch up. */
    private static final long MAX_BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Sink<T> inner;
    private final double recordsPerSecond;

    public RateLimitedSink(Sink<T> inner, double recordsPerSecond) {
        if (!(recordsPerSecond > 0)) {
            throw new IllegalArgumentException("sink rate must be > 0 records/s, got " + recordsPerSecond);
        }
        this.inner = inner;
        this.recordsPerSecond = recordsPerSecond;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        double nanosPerRecord = 1_000_000_000d / recordsPerSecond;
        return new ForwardingSinkWriter<T, T>(inner.createWriter(context)) {
            private long startNanos;
            private long written;

            @Override
            public void write(T record) throws Exception {
                if (written == 0) {
                    startNanos = System.nanoTime();
                }
                written++;
                long aheadNanos = (long) (written * nanosPerRecord) - (System.nanoTime() - startNanos);
                if (aheadNanos >= MIN_SLEEP_NANOS) {
                    TimeUnit.NANOSECONDS.sleep(aheadNanos);
                } else if (aheadNanos < -MAX_BURST_NANOS) {
                    startNanos += -aheadNanos - MAX_BURST_NANOS;
                }
                this.inner.write(record);
            }
        };
    }

    @Override
    public String toString() {
        return inner + " at most " + recordsPerSecond + " records/s per subtask";
    }
}
