package dev.weir.connectors.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.storage.ObjectStore;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;

/**
 * Reads the lines of every object under {@code s3://bucket/prefix} (or the single object of that
 * exact key) as a replayable, bounded source: the S3 twin of {@link TextFileSource}, with the same
 * reader and state ({@link TextSourceReader}, {@link TextSourceOffsets}), objects named by key.
 * A restore resumes an object with a ranged read at its checkpointed offset.
 *
 * <p>Keys with a segment below the prefix that starts with '.' or '_' ({@code _SUCCESS},
 * {@code _temporary/...}) are skipped, as the local source skips hidden files. The objects must
 * not change while the job reads them.
 */
public final class ObjectStoreTextSource implements Source<String> {

    /** Opens the store a reader lists and reads; each reader opens (and closes) its own. */
    @FunctionalInterface
    public interface StoreOpener {
        ObjectStore open() throws IOException;
    }

    static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;

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
                new S3Settings("http://placeholder.invalid", "placeholder", null, true, "-", "-", ""));
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
        return new ObjectStoreTextSource(location, opener, prefix, TextLines.checkChunkSize(bytes));
    }

    @Override
    public SourceReader<String> createReader(SourceContext context) throws Exception {
        ObjectStore store;
        try {
            store = opener.open();
        } catch (IllegalArgumentException e) {
            // Missing or invalid WEIR_S3_* settings on the worker: the same on every restart.
            throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                    this + ": " + e.getMessage(), e);
        }
        return TextSourceReader.open(new StoreInput(store, prefix, toString()), context, chunkSize);
    }

    @Override
    public String toString() {
        return "ObjectStoreTextSource[" + location + "]";
    }

    /** The objects under the prefix, named by key. */
    private record StoreInput(ObjectStore store, String prefix, String describe) implements TextInput {

        @Override
        public List<String> list() throws IOException {
            List<String> keys = new ArrayList<>();
            String directory = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
            for (String key : store.list(directory)) {
                if (!TextInput.isHidden(key.substring(directory.length()))) {
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
        public OpenFile open(String key) throws IOException {
            return new StoreObject(store, key, store.size(key));
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private record StoreObject(ObjectStore store, String key, long size) implements TextInput.OpenFile {

        @Override
        public void read(long position, byte[] into, int length) throws IOException {
            byte[] range = store.getRange(key, position, length);
            if (range.length != length) {
                throw new IOException(key + " returned " + range.length + " bytes at " + position + ", not " + length
                        + "; input objects must not change while a job reads them");
            }
            System.arraycopy(range, 0, into, 0, length);
        }
    }
}
