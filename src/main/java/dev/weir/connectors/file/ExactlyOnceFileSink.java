package dev.weir.connectors.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Writes {@code record.toString()} lines into a local directory, exactly once: each subtask writes
 * hidden in-progress files ({@code .part-<subtask>-<attempt>-<seq>.inprogress}) and renames them to
 * their visible names when the checkpoint completes. Readers take the files whose names start with
 * neither '.' nor '_'.
 *
 * <p>A committed file is named {@code part-<subtask>-chk<n>-a<attempt>-<seq>} ({@link PartName}),
 * where {@code n} is the checkpoint whose barrier closed the file: every line in it was written
 * after the subtask passed the previous barrier and before barrier {@code n}, and the file becomes
 * visible when checkpoint {@code n} completes (or, if {@code n} fails, with the next checkpoint
 * that completes). {@code seq} counts the files the subtask started in this attempt. By default a
 * subtask writes one file per checkpoint (none for a checkpoint without records);
 * {@link #withMaxFileSize} and {@link #withRolloverInterval} start new files in between, all named
 * after the barrier that closes them.
 */
public final class ExactlyOnceFileSink<T> implements Sink<T> {

    public static final String DEFAULT_PREFIX = "part";
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path directory;
    private final String prefix;
    private final RollingPolicy rolling;

    public ExactlyOnceFileSink(Path directory) {
        this(directory, DEFAULT_PREFIX);
    }

    /** A distinct {@code prefix} lets several sinks share a directory without touching each other's files. */
    public ExactlyOnceFileSink(Path directory, String prefix) {
        this(directory, prefix, RollingPolicy.AT_BARRIERS);
    }

    private ExactlyOnceFileSink(Path directory, String prefix, RollingPolicy rolling) {
        if (prefix.isEmpty() || prefix.startsWith(".") || prefix.startsWith("_") || prefix.contains("/")) {
            throw new IllegalArgumentException("prefix must be a plain visible name, got '" + prefix + "'");
        }
        this.directory = directory;
        this.prefix = prefix;
        this.rolling = rolling;
    }

    /** Starts a new file before the barrier once the current one holds {@code bytes} (at a line boundary). */
    public ExactlyOnceFileSink<T> withMaxFileSize(long bytes) {
        return new ExactlyOnceFileSink<>(directory, prefix, rolling.withMaxBytes(bytes));
    }

    /** Starts a new file before the barrier for the first record after the current one is {@code interval} old. */
    public ExactlyOnceFileSink<T> withRolloverInterval(Duration interval) {
        return new ExactlyOnceFileSink<>(directory, prefix, rolling.withRolloverInterval(interval));
    }

    /** The millisecond clock the rollover interval is measured with (tests). */
    ExactlyOnceFileSink<T> withClock(LongSupplier clockMs) {
        return new ExactlyOnceFileSink<>(directory, prefix, rolling.withClock(clockMs));
    }

    public Path directory() {
        return directory;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        OutputDirectory.check(directory);
        FileTransactionWriter<T> writer = new FileTransactionWriter<>(context, directory, prefix, rolling, BUFFER_SIZE);
        writer.initializeState();
        return writer;
    }
}
