package dev.weir.connectors.file;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.weir.connectors.sink.IdempotentSinkWriter;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A local idempotent sink: one file per key, holding the latest record's {@code toString()} line,
 * replaced atomically (temp file + rename). A replay after restore rewrites keys with the values
 * they had, so the directory ends as if every record was written once. File names are the
 * URL-encoded key, with a leading '.' or '_' escaped so no key can produce a hidden name.
 */
public final class KeyValueDirectorySink<T> implements Sink<T> {

    private static final Pattern TEMP_NAME = Pattern.compile("\\.tmp-(\\d+)-(\\d+)-\\d+");
    private static final int MAX_BATCH = 1000;

    private final Path directory;
    private final Function<? super T, String> keyFunction;

    public KeyValueDirectorySink(Path directory, Function<? super T, String> keyFunction) {
        this.directory = directory;
        this.keyFunction = keyFunction;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        Files.createDirectories(directory);
        LeftoverTempFiles.deleteOwned(directory, TEMP_NAME, context);
        return new Writer<>(context, directory, keyFunction);
    }

    /** The file name of {@code key}. */
    public static String fileName(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8);
        if (encoded.startsWith(".")) {
            return "%2E" + encoded.substring(1);
        }
        if (encoded.startsWith("_")) {
            return "%5F" + encoded.substring(1);
        }
        return encoded;
    }

    private static final class Writer<T> extends IdempotentSinkWriter<T, String> {

        private final Path directory;
        private final Function<? super T, String> keyFunction;
        private long tempSequence;

        Writer(SinkContext context, Path directory, Function<? super T, String> keyFunction) {
            super(context, MAX_BATCH);
            this.directory = directory;
            this.keyFunction = keyFunction;
        }

        @Override
        protected String key(T record) {
            return keyFunction.apply(record);
        }

        @Override
        protected void upsert(List<T> batch) throws Exception {
            for (T record : batch) {
                Path temp = directory.resolve(".tmp-" + context.subtask() + "-" + context.attempt() + "-" + tempSequence++);
                byte[] line = (record + "\n").getBytes(StandardCharsets.UTF_8);
                DurableFiles.replaceAtomically(temp, directory.resolve(fileName(key(record))), ByteBuffer.wrap(line));
            }
            DurableFiles.syncDirectory(directory);
        }
    }
}
