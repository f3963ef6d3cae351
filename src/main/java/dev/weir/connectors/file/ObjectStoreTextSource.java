package dev.weir.connectors.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.storage.ObjectStore;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;

/**
 * Reads the lines of every object under {@code s3://bucket/prefix} (sorted by key; or the single
 * object of that exact key) as a replayable, bounded source: the S3 twin of {@link TextFileSource}.
 * Object k of the sorted listing belongs to subtask k mod parallelism. The state is, per object
 * key, the lines emitted and the byte offset after them, restored by union so objects may move on
 * rescale and a restore resumes with a ranged read at the offset.
 *
 * <p>Keys whose last segment starts with '.' or '_' are skipped, as the file readers skip hidden
 * files. The objects must not change while the job reads them.
 */
public final class ObjectStoreTextSource implements Source<String> {

    /** Opens the store a reader lists and reads; each reader opens (and closes) its own. */
    @FunctionalInterface
    public interface StoreOpener {
        ObjectStore open() throws IOException;
    }

    static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
    private static final int BATCH = 1024;

    private final String location;
    private final StoreOpener opener;
    private final String prefix;
    private final int chunkSize;

    /**
     * @param location what error messages call the input, e.g. {@code s3://bucket/prefix} (no secrets)
     * @param prefix   key prefix within the store ("" for everything)
     */
    public ObjectStoreTextSource(String location, StoreOpener opener, String prefix) {
        this(location, opener, prefix, DEFAULT_CHUNK_SIZE);
    }

    private ObjectStoreTextSource(String location, StoreOpener opener, String prefix, int chunkSize) {
        this.location = location;
        this.opener = opener;
        this.prefix = prefix;
        this.chunkSize = chunkSize;
    }

    /** {@code s3://bucket/prefix} with endpoint, region and credentials from {@code template}. */
    public static ObjectStoreTextSource forUri(String uri, S3Settings template) {
        return forSettings(S3SinkLocation.fromUri("S3 source", uri, template));
    }

    /**
     * {@code s3://bucket/prefix} with endpoint and credentials from the {@code WEIR_S3_*} variables,
     * as the S3 sink. The URI is checked now; the variables are read when a reader opens the store,
     * i.e. on the worker, since the coordinator building the job graph may not have them.
     */
    public static ObjectStoreTextSource fromEnvironment(String uri, Function<String, String> environment) {
        S3Settings location = S3SinkLocation.fromUri("S3 source", uri,
                new S3Settings("http://placeholder.invalid", "-", null, true, "-", "-", ""));
        StoreOpener opener = () -> {
            S3Settings settings = S3SinkLocation.fromEnvironment("S3 source", uri, environment);
            return new S3ObjectStore(settings.withLocation(settings.bucket(), ""));
        };
        return new ObjectStoreTextSource("S3 source " + location.describe(), opener, location.keyPrefix());
    }

    private static ObjectStoreTextSource forSettings(S3Settings settings) {
        // The store addresses the whole bucket; the prefix selects objects, so that an exact key works too.
        S3Settings bucketRoot = settings.withLocation(settings.bucket(), "");
        String description = "S3 source " + settings.describe() + " at " + settings.endpoint();
        return new ObjectStoreTextSource(description, () -> new S3ObjectStore(bucketRoot), settings.keyPrefix());
    }

    /** Bytes fetched per ranged read (tests use tiny chunks to cross line boundaries). */
    public ObjectStoreTextSource withChunkSize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + bytes);
        }
        return new ObjectStoreTextSource(location, opener, prefix, bytes);
    }

    @Override
    public SourceReader<String> createReader(SourceContext context) throws Exception {
        ObjectStore store;
        try {
            store = opener.open();
        } catch (IllegalArgumentException e) {
            throw new IOException(this + ": " + e.getMessage(), e);
        }
        try {
            List<String> keys = objects(store);
            Map<String, TextSourceOffsets.Offset> restored = TextSourceOffsets.union(context.restore());
            List<String> mine = new ArrayList<>();
            for (int k = context.subtask(); k < keys.size(); k += context.parallelism()) {
                mine.add(keys.get(k));
            }
            return new Reader(store, mine, restored);
        } catch (IOException | RuntimeException e) {
            store.close();
            // Store failures name bucket, key and endpoint, never a credential.
            throw new IOException(this + ": cannot list the input: " + e.getMessage(), e);
        }
    }

    private List<String> objects(ObjectStore store) throws IOException {
        List<String> keys = new ArrayList<>();
        String directory = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        for (String key : store.list(directory)) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            if (!name.isEmpty() && !name.startsWith(".") && !name.startsWith("_")) {
                keys.add(key);
            }
        }
        if (keys.isEmpty() && !prefix.isEmpty() && store.exists(prefix)) {
            keys.add(prefix);
        }
        if (keys.isEmpty()) {
            // An empty listing is far more often a wrong bucket or prefix than an intended empty input.
            throw new IOException("no objects found under the prefix");
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public String toString() {
        return "ObjectStoreTextSource[" + location + "]";
    }

    private final class Reader implements SourceReader<String> {
        private final ObjectStore store;
        private final List<String> mine;
        private final Map<String, TextSourceOffsets.Offset> offsets;
        private int current;
        private ObjectLines open;
        private long openLines;

        Reader(ObjectStore store, List<String> mine, Map<String, TextSourceOffsets.Offset> offsets) {
            this.store = store;
            this.mine = mine;
            this.offsets = offsets;
        }

        @Override
        public InputStatus pollNext(Collector<String> output) throws IOException {
            // Crosses object ends within one poll: after a restore, objects that were finished
            // are skipped right away, so every poll makes progress.
            for (int emitted = 0; emitted < BATCH; ) {
                if (current >= mine.size()) {
                    return InputStatus.END_OF_INPUT;
                }
                String key = mine.get(current);
                if (open == null) {
                    TextSourceOffsets.Offset start = offsets.getOrDefault(key, TextSourceOffsets.Offset.START);
                    open = new ObjectLines(store, key, start.bytes(), chunkSize);
                    openLines = start.lines();
                }
                String line = open.next();
                if (line == null) {
                    open = null;
                    current++;
                    continue;
                }
                openLines++;
                offsets.put(key, new TextSourceOffsets.Offset(openLines, open.consumedBytes()));
                output.collect(line);
                emitted++;
            }
            return current >= mine.size() ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
        }

        @Override
        public byte[] snapshotState(long checkpointId) {
            return TextSourceOffsets.serialize(mine, offsets);
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
