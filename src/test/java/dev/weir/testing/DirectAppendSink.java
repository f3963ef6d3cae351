package dev.weir.testing;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A deliberately non-transactional sink: lines are visible as soon as they are written. Under
 * failures it shows duplicates; the tests use it as a negative control for their reader.
 */
public final class DirectAppendSink<T> implements Sink<T> {

    private final Path directory;

    public DirectAppendSink(Path directory) {
        this.directory = directory;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws IOException {
        Files.createDirectories(directory);
        BufferedWriter out = Files.newBufferedWriter(directory.resolve("direct-" + context.subtask()),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new SinkWriter<>() {
            @Override
            public void write(T record) throws IOException {
                out.write(record.toString());
                out.write('\n');
                out.flush();
            }

            @Override
            public byte[] snapshotState(long checkpointId) {
                return null;
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
