package dev.weir.coordinator;

import java.io.IOException;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.storage.CheckpointStorage;

/** The coordinator's view of checkpoint storage. */
public final class StorageCompletedCheckpointStore implements CompletedCheckpointStore {

    private final CheckpointStorage storage;

    public StorageCompletedCheckpointStore(CheckpointStorage storage) {
        this.storage = storage;
    }

    @Override
    public void writeMetadata(CheckpointMetadata metadata, CheckpointType type) throws IOException {
        storage.writeMetadata(metadata, type);
    }

    @Override
    public void discard(long checkpointId, CheckpointType type) throws IOException {
        storage.discard(checkpointId, type);
    }

    @Override
    public void retainLatest(int retained) throws IOException {
        storage.retainLatest(retained);
    }

    @Override
    public String location(long checkpointId, CheckpointType type) {
        return storage.location(checkpointId, type);
    }
}
