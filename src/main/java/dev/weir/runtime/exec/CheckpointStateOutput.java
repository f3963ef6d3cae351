package dev.weir.runtime.exec;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.SnapshotOutput;
import dev.weir.runtime.state.serialization.DataOutputBuffer;
import dev.weir.runtime.storage.CheckpointStorage;

/**
 * One subtask's output for one checkpoint: its state file, filled by every operator of the chain
 * and written to storage as one object at the end, and the job's shared files for incremental
 * snapshots, uploaded as they come. Used by one upload thread.
 */
final class CheckpointStateOutput implements SnapshotOutput {

    private final CheckpointStorage storage;
    private final long checkpointId;
    private final String stateFileKey;
    private final DataOutputBuffer file = new DataOutputBuffer(64 * 1024);

    CheckpointStateOutput(CheckpointStorage storage, long checkpointId, String stateFileKey) {
        this.storage = storage;
        this.checkpointId = checkpointId;
        this.stateFileKey = stateFileKey;
    }

    @Override
    public long checkpointId() {
        return checkpointId;
    }

    @Override
    public DataOutput stateFile() {
        return file;
    }

    @Override
    public long position() {
        return file.length();
    }

    @Override
    public StateHandle handleSince(long start) {
        return new StateHandle(stateFileKey, start, (int) (file.length() - start));
    }

    /** Appends a whole byte array (operator state); null stays null. */
    StateHandle append(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        long start = position();
        file.write(bytes, 0, bytes.length);
        return handleSince(start);
    }

    @Override
    public SharedFile uploadShared(Path localFile, String name) throws IOException {
        String key = storage.sharedFileKey(checkpointId, name);
        byte[] bytes = Files.readAllBytes(localFile);
        storage.writeState(key, bytes);
        return new SharedFile(name, key, bytes.length, checkpointId);
    }

    /** Writes the state file, unless nothing went into it. */
    void finish() throws IOException {
        if (file.length() > 0) {
            storage.writeState(stateFileKey, file.array(), file.length());
        }
    }
}
