package dev.weir.connectors.generator;

import java.util.function.LongFunction;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.ReaderOutput;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.functions.Collector;

/**
 * Emits its splits round-robin, each through its own output when the engine gives per-split
 * outputs (so each split has its own watermark), {@value #CHUNK} records per split per turn and at most
 * {@value #BATCH} per poll. This is a benchmark's hot path: the inner loop only calls the mapper
 * and the collector; offsets live in a primitive array and are written back once per chunk.
 */
final class GeneratorReader<T> implements SourceReader<T> {

    static final int BATCH = 1024;
    static final int CHUNK = 64;

    private final LongFunction<T> mapper;
    private final long limit;
    private final GeneratorSplits splits;
    private final int stride;
    private final long[] next;
    private final RateLimit rateLimit;
    /** Indexes into {@link #next} of the unfinished splits, in turn order. */
    private final int[] active;
    private int activeCount;
    private int cursor;
    private long emitted;

    GeneratorReader(LongFunction<T> mapper, long limit, GeneratorSplits splits, RateLimit rateLimit) {
        this.mapper = mapper;
        this.limit = limit;
        this.splits = splits;
        this.stride = splits.splitCount;
        this.next = splits.next;
        this.rateLimit = rateLimit;
        this.active = new int[next.length];
        for (int k = 0; k < next.length; k++) {
            if (next[k] < limit) {
                active[activeCount++] = k;
            }
        }
    }

    /** Per-split outputs (owned split index → output), so each split has its own watermark. */
    private Collector<T>[] splitOutputs;
    private Object boundTo;

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) {
        if (boundTo != output) {
            bind(output, k -> output.forSplit(splitId(k)));
            for (int k = 0; k < next.length; k++) {
                if (next[k] >= limit) {
                    output.releaseSplit(splitId(k));
                }
            }
        }
        return poll(output);
    }

    @Override
    public InputStatus pollNext(Collector<T> output) {
        if (boundTo != output) {
            bind(output, k -> output);
        }
        return poll(output);
    }

    @SuppressWarnings("unchecked")
    private void bind(Object output, java.util.function.IntFunction<Collector<T>> outputOfSplit) {
        splitOutputs = new Collector[next.length];
        for (int k = 0; k < next.length; k++) {
            splitOutputs[k] = outputOfSplit.apply(k);
        }
        boundTo = output;
    }

    private String splitId(int k) {
        return Integer.toString(splits.splitIds[k]);
    }

    private InputStatus poll(Collector<T> output) {
        if (activeCount == 0) {
            return InputStatus.END_OF_INPUT;
        }
        int budget = BATCH;
        if (rateLimit != null) {
            long allowance = rateLimit.allowance(emitted);
            if (allowance <= 0) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            budget = (int) Math.min(budget, allowance);
        }
        final LongFunction<T> mapper = this.mapper;
        final long stride = this.stride;
        int emittedNow = 0;
        while (budget > 0 && activeCount > 0) {
            if (cursor >= activeCount) {
                cursor = 0;
            }
            int k = active[cursor];
            long i = next[k];
            // Written so that an unbounded limit (Long.MAX_VALUE) cannot overflow.
            long remaining = (limit - i - 1) / stride + 1;
            int n = (int) Math.min(Math.min(CHUNK, budget), remaining);
            Collector<T> splitOutput = splitOutputs[k];
            for (int r = 0; r < n; r++) {
                splitOutput.collect(mapper.apply(i));
                i += stride;
            }
            next[k] = i;
            budget -= n;
            emittedNow += n;
            if (n == remaining) {
                System.arraycopy(active, cursor + 1, active, cursor, activeCount - cursor - 1);
                activeCount--;
                if (output instanceof ReaderOutput<T> readerOutput) {
                    readerOutput.releaseSplit(splitId(k));
                }
            } else {
                cursor++;
            }
        }
        emitted += emittedNow;
        return activeCount == 0 ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public byte[] snapshotState(long checkpointId) {
        return splits.encode();
    }
}
