package dev.weir.examples.nexmark;

import java.nio.file.Path;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Discards rows but counts them and sums their FNV-1a 64 (../shared/bench/nexmark.md §2). Each
 * subtask keeps its partial {@code (rows, sum)} in checkpointed state, so a restore neither loses
 * nor double-counts a row, and commits it to {@code directory} when a checkpoint completes
 * ({@link DigestFiles}); {@link DigestResult#read} adds the partials of the last checkpoint up.
 */
public final class DigestSink<T> implements Sink<T> {

    private final Path directory;
    private final RowFormat<T> format;

    public DigestSink(Path directory, RowFormat<T> format) {
        this.directory = directory;
        this.format = format;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        return new DigestWriter<>(context, new DigestFiles(directory), format);
    }

    @Override
    public String toString() {
        return "digest sink to " + directory;
    }
}
