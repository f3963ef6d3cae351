package dev.weir.runtime.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.StateHandle;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's snapshots live in an {@link ObjectStore}, and the rules for finding and deleting
 * them:
 *
 * <pre>
 * &lt;base&gt;/checkpoints/chk-&lt;n&gt;/&lt;task&gt;-&lt;subtask&gt;-&lt;kgStart&gt;-&lt;kgEnd&gt;.state
 * &lt;base&gt;/checkpoints/chk-&lt;n&gt;/_metadata      written last: its existence makes n complete
 * &lt;base&gt;/savepoints/sp-&lt;n&gt;/...              self-contained, never deleted by retention
 * &lt;base&gt;/shared/&lt;n&gt;-&lt;uuid&gt;-&lt;file&gt;   files of incremental checkpoints, uploaded by checkpoint n
 *                                          and referred to by later ones; deleted when no retained
 *                                          checkpoint refers to them
 * </pre>
 *
 * The store, not memory, is the source of truth, so a restarted coordinator sees exactly what a
 * crashed one left. Thread-safe; completing a checkpoint and deleting shared files take turns.
 */
public final class CheckpointStorage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStorage.class);

    static final String METADATA = "_metadata";
    static final String SHARED = "shared";
    private static final Pattern UNSAFE_NAME_CHARS = Pattern.compile("[^A-Za-z0-9_.-]");

    private final ObjectStore store;
    private final String base;
    private final ObjectMapper json = JsonMapper.builder()
            // Newer writers may add fields; an older reader restoring must not choke on them.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final Pattern checkpointKey;
    private final Pattern savepointMetadataKey;
    private final SharedFileRetention sharedFiles;
    /** Completing a checkpoint and deleting shared files never interleave (see SharedFileRetention). */
    private final Object completionLock = new Object();

    /** @param basePath {@code <prefix>/<namespace>/<job>}, relative to the store root */
    public CheckpointStorage(ObjectStore store, String basePath) {
        this.store = store;
        this.base = trimSlashes(basePath);
        if (base.isEmpty()) {
            throw new IllegalArgumentException("checkpoint base path must not be empty");
        }
        this.checkpointKey = Pattern.compile(Pattern.quote(base + "/checkpoints/chk-") + "(\\d{1,18})/(.+)");
        this.savepointMetadataKey = Pattern.compile(Pattern.quote(base + "/savepoints/sp-") + "(\\d{1,18})/"
                + Pattern.quote(METADATA));
        this.sharedFiles = new SharedFileRetention(store, base);
    }

    /**
     * Opens storage from a URI: {@code file:///path} or a plain path (local filesystem), or
     * {@code s3://bucket/prefix} with endpoint and credentials from {@code s3}.
     */
    public static CheckpointStorage open(String storageUri, String basePath, S3Settings s3) throws IOException {
        return new CheckpointStorage(ObjectStores.open(storageUri, s3), basePath);
    }

    public ObjectStore store() {
        return store;
    }

    public String basePath() {
        return base;
    }

    public String stateKey(
            long checkpointId, CheckpointType type, ExecutionVertexId vertex, int keyGroupStart, int keyGroupEnd) {
        return directory(checkpointId, type) + "/" + safeTaskName(vertex) + "-" + vertex.subtask() + "-" + keyGroupStart
                + "-" + keyGroupEnd + ".state";
    }

    /** Where a subtask's in-flight records of an unaligned checkpoint go. */
    public String channelStateKey(long checkpointId, CheckpointType type, ExecutionVertexId vertex) {
        return directory(checkpointId, type) + "/" + safeTaskName(vertex) + "-" + vertex.subtask() + ".channel";
    }

    private static String safeTaskName(ExecutionVertexId vertex) {
        String task = UNSAFE_NAME_CHARS.matcher(vertex.taskName()).replaceAll("_");
        return task.startsWith(".") ? "_" + task.substring(1) : task;
    }

    public void writeState(String key, byte[] bytes) throws IOException {
        store.put(key, bytes);
    }

    /** Writes the first {@code length} bytes of {@code bytes}. */
    public void writeState(String key, byte[] bytes, int length) throws IOException {
        store.put(key, bytes, length);
    }

    /** Writes the contents of the local file {@code file} (never read into memory whole). */
    public void writeState(String key, java.nio.file.Path file) throws IOException {
        store.put(key, file);
    }

    /** Whether every shared file of these snapshots lies in this job's own {@code shared/} directory. */
    public boolean ownsSharedFiles(java.util.Collection<dev.weir.runtime.checkpoint.IncrementalStateHandle> snapshots) {
        String prefix = base + "/" + SHARED + "/";
        return snapshots.stream().flatMap(h -> h.sharedFiles().stream()).allMatch(f -> f.key().startsWith(prefix));
    }

    /**
     * Key of a new file of an incremental snapshot in the job's {@code shared/} directory: the id of
     * the checkpoint that uploads it comes first, so retention can tell files of checkpoints that
     * may still complete from those of abandoned ones without reading them.
     */
    public String sharedFileKey(long checkpointId, String fileName) {
        String safe = UNSAFE_NAME_CHARS.matcher(fileName).replaceAll("_");
        return base + "/" + SHARED + "/" + checkpointId + "-" + java.util.UUID.randomUUID() + "-" + safe;
    }

    public byte[] readState(StateHandle handle) throws IOException {
        if (handle.length() == 0) {
            // A subtask whose whole snapshot is empty (e.g. a keyed task that saw no key yet, chained
            // with a sink whose state is empty) uploads no file, yet its handles are valid.
            return new byte[0];
        }
        return store.getRange(handle.key(), handle.offset(), handle.length());
    }

    /** Completes the checkpoint: call only once every state file it references is durable. */
    public void writeMetadata(CheckpointMetadata metadata, CheckpointType type) throws IOException {
        if (metadata.savepoint() != (type == CheckpointType.SAVEPOINT)) {
            throw new IllegalArgumentException(
                    "metadata of checkpoint " + metadata.checkpointId() + " has savepoint=" + metadata.savepoint()
                            + " but is written as " + type);
        }
        synchronized (completionLock) {
            if (type == CheckpointType.CHECKPOINT) {
                sharedFiles.checkReusedFilesExist(metadata);
            }
            store.put(directory(metadata.checkpointId(), type) + "/" + METADATA, json.writeValueAsBytes(metadata));
            if (type == CheckpointType.CHECKPOINT) {
                sharedFiles.completed(metadata);
            }
        }
    }

    /**
     * @param checkpointPathOrDir a checkpoint or savepoint directory or its {@code _metadata}, as a
     *     store key or as a full location ({@link #location}); e.g. what a user passes to restore from
     */
    public CheckpointMetadata readMetadata(String checkpointPathOrDir) throws IOException {
        return json.readValue(store.get(metadataKey(checkpointPathOrDir)), CheckpointMetadata.class);
    }

    /**
     * The newest checkpoint whose {@code _metadata} exists and parses; corrupt or vanished ones are
     * skipped. A store that fails to answer fails the call: skipping for that reason would pick an
     * older checkpoint, or none, while the newest is fine.
     */
    public Optional<CompletedCheckpointRef> findLatestCompleted() throws IOException {
        List<Long> completed = new ArrayList<>(completedCheckpointIds());
        completed.sort(Comparator.reverseOrder());
        for (long id : completed) {
            String dir = directory(id, CheckpointType.CHECKPOINT);
            try {
                CheckpointMetadata metadata = readMetadata(dir);
                return Optional.of(new CompletedCheckpointRef(id, location(id, CheckpointType.CHECKPOINT), metadata));
            } catch (JsonProcessingException | NoSuchFileException | EOFException e) {
                // Corrupt or half-visible metadata must not block a restore from an older checkpoint.
                LOG.warn("skipping checkpoint {} at {}: its _metadata cannot be read: {}",
                        id, location(id, CheckpointType.CHECKPOINT), e.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Where a job stopped last: the newest of the latest completed checkpoint and the savepoints
     * with readable {@code _metadata}, by id (one sequence numbers both). A job stopped with a
     * savepoint committed its sinks' output up to the savepoint, so resuming from the checkpoint
     * before it would write that output again.
     */
    public Optional<CompletedCheckpointRef> findLatestRestorePoint() throws IOException {
        Optional<CompletedCheckpointRef> latest = findLatestCompleted();
        long newerThan = latest.map(CompletedCheckpointRef::id).orElse(0L);
        TreeSet<Long> savepoints = new TreeSet<>(Comparator.reverseOrder());
        for (String key : store.list(base + "/savepoints/sp-")) {
            Matcher m = savepointMetadataKey.matcher(key);
            if (m.matches() && Long.parseLong(m.group(1)) > newerThan) {
                savepoints.add(Long.parseLong(m.group(1)));
            }
        }
        for (long id : savepoints) {
            try {
                return Optional.of(new CompletedCheckpointRef(id, location(id, CheckpointType.SAVEPOINT),
                        readMetadata(directory(id, CheckpointType.SAVEPOINT))));
            } catch (JsonProcessingException | NoSuchFileException | EOFException e) {
                LOG.warn("skipping savepoint {} at {}: its _metadata cannot be read: {}",
                        id, location(id, CheckpointType.SAVEPOINT), e.toString());
            }
        }
        return latest;
    }

    /** Ids of checkpoints (not savepoints) that have {@code _metadata}, ascending. */
    public List<Long> completedCheckpointIds() throws IOException {
        return scanCheckpoints().completed().stream().toList();
    }

    /** The highest id of any checkpoint directory, complete or not; 0 if there is none. */
    public long highestCheckpointIdSeen() throws IOException {
        TreeSet<Long> all = scanCheckpoints().all();
        return all.isEmpty() ? 0 : all.last();
    }

    /**
     * Claims the next job attempt number: one more than any attempt ever started for this job,
     * whichever process started it. Attempt numbers name sink transactions and files, so a job
     * resumed by a new process must not reuse the numbers of the process that was killed.
     */
    public long claimNextAttempt() throws IOException {
        String prefix = base + "/attempts/";
        long highest = 0;
        for (String key : store.list(prefix)) {
            try {
                highest = Math.max(highest, Long.parseLong(key.substring(prefix.length())));
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
        long next = highest + 1;
        store.put(prefix + next, new byte[0]);
        return next;
    }

    /** Deletes a checkpoint or savepoint directory, {@code _metadata} first. */
    public void discard(long checkpointId, CheckpointType type) throws IOException {
        String dir = directory(checkpointId, type);
        // Without _metadata first, a crash halfway would leave a "complete" checkpoint missing state.
        store.delete(dir + "/" + METADATA);
        store.deleteAll(dir + "/");
    }

    /**
     * Keeps the newest {@code retained} completed checkpoints, deletes older completed ones and
     * abandoned (metadata-less) directories below the newest completed one. Directories above it are
     * left alone: their {@code _metadata} may be being written right now. Savepoints are untouched.
     * Then deletes the files in {@code shared/} that no kept checkpoint refers to (see
     * {@link SharedFileRetention}); if a kept checkpoint's _metadata cannot be read, what it refers
     * to is unknown, and no shared file is deleted.
     *
     * <p>Only checkpoints whose {@code _metadata} can be read count towards {@code retained}, so a
     * corrupt newest one never causes the deletion of the checkpoint a restore would fall back to.
     */
    public void retainLatest(int retained) throws IOException {
        if (retained < 1) {
            throw new IllegalArgumentException("retained must be at least 1, was " + retained);
        }
        // Discarding old checkpoint directories (the slow part on a store with slow deletes) does not
        // hold up the completion of the next checkpoint: it never touches ids above the newest
        // completed one, nor shared/.
        Kept kept = kept(scanCheckpoints(), retained);
        if (kept == null) {
            return;
        }
        for (long id : kept.scan().all()) {
            if (id < kept.newestCompleted() && !kept.ids().contains(id)) {
                LOG.debug("discarding checkpoint {} of {}", id, base);
                discard(id, CheckpointType.CHECKPOINT);
            }
        }
        // Shared files: what the kept checkpoints refer to is read again under the lock, so no
        // checkpoint completes between that reading and the deletions (see SharedFileRetention).
        synchronized (completionLock) {
            Kept now = kept(scanCheckpoints(), retained);
            if (now != null && now.allReadable()) {
                sharedFiles.deleteUnreferenced(now.metadata(), now.newestCompleted());
            }
        }
    }

    /** The newest {@code retained} readable completed checkpoints (and unreadable ones among them); null if none completed. */
    private Kept kept(CheckpointScan scan, int retained) {
        if (scan.completed().isEmpty()) {
            return null;
        }
        Set<Long> ids = new HashSet<>();
        List<CheckpointMetadata> metadata = new ArrayList<>();
        boolean allReadable = true;
        for (Iterator<Long> it = scan.completed().descendingIterator(); it.hasNext() && metadata.size() < retained; ) {
            long id = it.next();
            ids.add(id);
            CheckpointMetadata m = readableMetadata(id);
            if (m != null) {
                metadata.add(m);
            } else {
                allReadable = false;
            }
        }
        return new Kept(scan, scan.completed().last(), ids, metadata, allReadable);
    }

    private record Kept(CheckpointScan scan, long newestCompleted, Set<Long> ids, List<CheckpointMetadata> metadata,
                        boolean allReadable) {}

    private CheckpointMetadata readableMetadata(long checkpointId) {
        try {
            return readMetadata(directory(checkpointId, CheckpointType.CHECKPOINT));
        } catch (IOException e) {
            LOG.warn("keeping checkpoint {} at {} although its _metadata cannot be read: {}",
                    checkpointId, location(checkpointId, CheckpointType.CHECKPOINT), e.toString());
            return null;
        }
    }

    /** User-facing path of a checkpoint or savepoint directory, e.g. {@code s3://bucket/.../chk-7}. */
    public String location(long checkpointId, CheckpointType type) {
        return store.describe() + "/" + directory(checkpointId, type);
    }

    String directory(long checkpointId, CheckpointType type) {
        return type == CheckpointType.SAVEPOINT
                ? base + "/savepoints/sp-" + checkpointId
                : base + "/checkpoints/chk-" + checkpointId;
    }

    private String metadataKey(String pathOrDir) {
        String key = pathOrDir;
        String storeLocation = store.describe() + "/";
        if (key.startsWith(storeLocation)) {
            key = key.substring(storeLocation.length());
        } else if (key.contains("://")) {
            throw new IllegalArgumentException(pathOrDir + " is not in this checkpoint storage (" + store.describe() + ")");
        }
        key = trimSlashes(key);
        return key.endsWith("/" + METADATA) || key.equals(METADATA) ? key : key + "/" + METADATA;
    }

    private CheckpointScan scanCheckpoints() throws IOException {
        TreeSet<Long> all = new TreeSet<>();
        TreeSet<Long> completed = new TreeSet<>();
        // A directory that holds only what a killed writer left is abandoned too.
        for (String key : store.listForCleanup(base + "/checkpoints/chk-")) {
            Matcher m = checkpointKey.matcher(key);
            if (!m.matches()) {
                continue;
            }
            long id = Long.parseLong(m.group(1));
            all.add(id);
            if (m.group(2).equals(METADATA)) {
                completed.add(id);
            }
        }
        return new CheckpointScan(all, completed);
    }

    /** What one listing of the checkpoints directory showed. */
    private record CheckpointScan(TreeSet<Long> all, TreeSet<Long> completed) {}

    private static String trimSlashes(String s) {
        return s.replaceAll("^/+", "").replaceAll("/+$", "");
    }

    @Override
    public void close() {
        store.close();
    }
}
