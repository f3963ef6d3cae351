package dev.weir.connectors.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import dev.weir.connectors.sink.CheckpointCommitter;
import dev.weir.connectors.sink.WriteAheadSinkWriter;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A local write-ahead-log sink: each completed checkpoint's batch of a subtask becomes the file
 * {@code batch-<subtask>-<checkpointId>} of {@code record.toString()} lines. The batch is written
 * to a hidden temp file and renamed into place, so the batch and its commit record are one atomic
 * step: the committed file's existence is the commit record.
 */
public final class WriteAheadLogFileSink<T> implements Sink<T> {

    private static final Pattern TEMP_NAME = Pattern.compile("\\.batch-(\\d+)-\\d+\\.(\\d+)\\.tmp");

    private final Path directory;
    private final TypeSerializer<T> serializer;

    public WriteAheadLogFileSink(Path directory, TypeSerializer<T> serializer) {
        this.directory = directory;
        this.serializer = serializer;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        Files.createDirectories(directory);
        LeftoverTempFiles.deleteOwned(directory, TEMP_NAME, context);
        Writer<T> writer = new Writer<>(context, serializer, directory);
        writer.initializeState();
        return writer;
    }

    static String batchName(int subtask, long checkpointId) {
        return "batch-" + subtask + "-" + checkpointId;
    }

    private static final class Writer<T> extends WriteAheadSinkWriter<T> {

        private final Path directory;

        Writer(SinkContext context, TypeSerializer<T> serializer, Path directory) {
            super(context, serializer, new BatchFileCommitter(directory));
            this.directory = directory;
        }

        @Override
        protected boolean sendValues(List<T> values, int subtask, long checkpointId) throws IOException {
            StringBuilder text = new StringBuilder(values.size() * 16);
            for (T value : values) {
                text.append(value).append('\n');
            }
            String name = batchName(subtask, checkpointId);
            Path temp = directory.resolve("." + name + "." + context.attempt() + ".tmp");
            DurableFiles.replaceAtomically(temp, directory.resolve(name),
                    ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            DurableFiles.syncDirectory(directory);
            return true;
        }
    }

    /** The batch file is its own commit record, so committing is already done by the rename. */
    private record BatchFileCommitter(Path directory) implements CheckpointCommitter {

        @Override
        public boolean isCommitted(int subtask, long checkpointId) {
            return Files.exists(directory.resolve(batchName(subtask, checkpointId)));
        }

        @Override
        public void commit(int subtask, long checkpointId) {}
    }
}
