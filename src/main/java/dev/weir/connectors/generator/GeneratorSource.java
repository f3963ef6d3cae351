package dev.weir.connectors.generator;

import java.util.function.LongFunction;
import java.util.function.LongSupplier;

import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;

/**
 * A deterministic, replayable source of {@code mapper(i)} for {@code i = 0 .. count-1} (unbounded
 * when {@code count < 0}). The sequence is cut into a fixed number of splits, split {@code j}
 * producing {@code j, j+S, j+2S, ...}; subtask {@code s} owns the splits with
 * {@code j % parallelism == s}. Because the split count is fixed by the first run and recorded in
 * the state, a restore at any parallelism resumes every split exactly where it stopped.
 */
public final class GeneratorSource<T> implements Source<T> {

    /** Use the job's maxParallelism as the split count, so any later parallelism divides the work. */
    public static final int DEFAULT_SPLITS = 0;

    private final long count;
    private final int splits;
    private final LongFunction<T> mapper;
    private final double recordsPerSecond;
    private final LongSupplier nanoClock;

    public GeneratorSource(long count, LongFunction<T> mapper) {
        this(count, DEFAULT_SPLITS, mapper);
    }

    public GeneratorSource(long count, int splits, LongFunction<T> mapper) {
        this(count, splits, mapper, 0, System::nanoTime);
    }

    private GeneratorSource(long count, int splits, LongFunction<T> mapper, double recordsPerSecond,
                            LongSupplier nanoClock) {
        if (splits < 0) {
            throw new IllegalArgumentException("splits must be >= 0 (0 = maxParallelism), got " + splits);
        }
        if (mapper == null) {
            throw new IllegalArgumentException("mapper must not be null");
        }
        if (recordsPerSecond < 0 || Double.isNaN(recordsPerSecond)) {
            throw new IllegalArgumentException("rate must be >= 0 (0 = unlimited), got " + recordsPerSecond);
        }
        this.count = count;
        this.splits = splits;
        this.mapper = mapper;
        this.recordsPerSecond = recordsPerSecond;
        this.nanoClock = nanoClock;
    }

    /** The records {@code 0L .. count-1} as boxed longs. */
    public static GeneratorSource<Long> sequence(long count) {
        return new GeneratorSource<>(count, Long::valueOf);
    }

    /** A copy that emits at most {@code recordsPerSecond} records per second per subtask (0 = unlimited). */
    public GeneratorSource<T> withRateLimit(double recordsPerSecond) {
        return new GeneratorSource<>(count, splits, mapper, recordsPerSecond, nanoClock);
    }

    /** Tests drive the rate limiter with their own clock instead of sleeping. */
    GeneratorSource<T> withClock(LongSupplier nanoClock) {
        return new GeneratorSource<>(count, splits, mapper, recordsPerSecond, nanoClock);
    }

    public long count() {
        return count;
    }

    @Override
    public SourceReader<T> createReader(SourceContext context) {
        int configuredSplits = splits == DEFAULT_SPLITS ? context.maxParallelism() : splits;
        GeneratorSplits owned = GeneratorSplits.forSubtask(
                configuredSplits, count, context.subtask(), context.parallelism(), context.restore());
        RateLimit rateLimit = recordsPerSecond > 0 ? new RateLimit(recordsPerSecond, nanoClock) : null;
        return new GeneratorReader<>(mapper, count < 0 ? Long.MAX_VALUE : count, owned, rateLimit);
    }
}
