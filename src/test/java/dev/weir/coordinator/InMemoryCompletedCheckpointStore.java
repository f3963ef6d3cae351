package dev.weir.coordinator;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps written metadata in memory and records every call; can be told to fail writes. */
final class InMemoryCompletedCheckpointStore implements CompletedCheckpointStore {

    private final NavigableMap<Long, CheckpointMetadata> checkpoints = new ConcurrentSkipListMap<>();
    private final NavigableMap<Long, CheckpointMetadata> savepoints = new ConcurrentSkipListMap<>();
    private final List<Long> metadataWrites = new CopyOnWriteArrayList<>();
    private final List<Long> discarded = new CopyOnWriteArrayList<>();
    private final List<Integer> retainCalls = new CopyOnWriteArrayList<>();
    private volatile boolean failWrites;

    private volatile IOException nextWriteFailure;

    void failWrites(boolean fail) {
        this.failWrites = fail;
    }

    /** The next metadata write throws this (and writes nothing). */
    void failNextWrite(IOException failure) {
        this.nextWriteFailure = failure;
    }

    @Override
    public void writeMetadata(CheckpointMetadata metadata, CheckpointType type) throws IOException {
        metadataWrites.add(metadata.checkpointId());
        if (failWrites) {
            throw new IOException("injected metadata write failure");
        }
        IOException failure = nextWriteFailure;
        if (failure != null) {
            nextWriteFailure = null;
            throw failure;
        }
        (type == CheckpointType.SAVEPOINT ? savepoints : checkpoints).put(metadata.checkpointId(), metadata);
    }

    @Override
    public void discard(long checkpointId, CheckpointType type) {
        discarded.add(checkpointId);
    }

    @Override
    public void retainLatest(int retained) {
        retainCalls.add(retained);
        while (checkpoints.size() > retained) {
            checkpoints.pollFirstEntry();
        }
    }

    @Override
    public String location(long checkpointId, CheckpointType type) {
        return type == CheckpointType.SAVEPOINT
                ? "mem://job/savepoints/sp-" + checkpointId
                : "mem://job/checkpoints/chk-" + checkpointId;
    }

    CheckpointMetadata checkpoint(long id) {
        return checkpoints.get(id);
    }

    List<Long> checkpointIds() {
        return new ArrayList<>(checkpoints.keySet());
    }

    List<Long> savepointIds() {
        return new ArrayList<>(savepoints.keySet());
    }

    List<Long> metadataWrites() {
        return metadataWrites;
    }

    List<Long> discarded() {
        return discarded;
    }

    List<Integer> retainCalls() {
        return retainCalls;
    }
}
