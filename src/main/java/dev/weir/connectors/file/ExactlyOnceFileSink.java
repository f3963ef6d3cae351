package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Writes {@code record.toString()} lines into a local directory, exactly once: each subtask writes
 * one hidden part file per checkpoint ({@code .part-<subtask>-<attempt>-<seq>.inprogress}) and
 * renames it to {@code part-<subtask>-<attempt>-<seq>} when the checkpoint completes. Readers
 * take the files whose names start with neither '.' nor '_'.
 */
public final class ExactlyOnceFileSink<T> implements Sink<T> {

    public static final String DEFAULT_PREFIX = "part";
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path directory;
    private final String prefix;

    public ExactlyOnceFileSink(Path directory) {
        this(directory, DEFAULT_PREFIX);
    }

    /** A distinct {@code prefix} lets several sinks share a directory without touching each other's files. */
    public ExactlyOnceFileSink(Path directory, String prefix) {
        if (prefix.isEmpty() || prefix.startsWith(".") || prefix.startsWith("_") || prefix.contains("/")) {
            throw new IllegalArgumentException("prefix must be a plain visible name, got '" + prefix + "'");
        }
        this.directory = directory;
        this.prefix = prefix;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("cannot create the output directory " + directory, e);
        }
        FileTransactionWriter<T> writer = new FileTransactionWriter<>(context, directory, prefix, BUFFER_SIZE);
        writer.initializeState();
        return writer;
    }
}
