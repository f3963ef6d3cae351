package dev.weir.runtime.exec;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.SnapshotOutput;
import dev.weir.runtime.storage.CheckpointStorage;

/**
 * One subtask's output for one checkpoint: its state file, filled by every operator of the chain
 * and written to storage as one object at the end (from memory, or from a local spill file when
 * large: {@link StateFileBuffer}), and the job's shared files for incremental snapshots, uploaded
 * as they come. Used by one upload thread; {@link #close()} when done, written or not.
 */
final class CheckpointStateOutput implements SnapshotOutput, AutoCloseable {

    private final CheckpointStorage storage;
    private final long checkpointId;
    private final String stateFileKey;
    private final StateFileBuffer file;

    /** @param expectedLength the state file's likely length (the last checkpoint's), to size its buffer */
    CheckpointStateOutput(CheckpointStorage storage, long checkpointId, String stateFileKey, long expectedLength) {
        this(storage, checkpointId, stateFileKey, new StateFileBuffer(expectedLength));
    }

    CheckpointStateOutput(CheckpointStorage storage, long checkpointId, String stateFileKey, StateFileBuffer file) {
        this.storage = storage;
        this.checkpointId = checkpointId;
        this.stateFileKey = stateFileKey;
        this.file = file;
    }

    @Override
    public long checkpointId() {
        return checkpointId;
    }

    @Override
    public DataOutput stateFile() {
        return file.output();
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
    StateHandle append(byte[] bytes) throws IOException {
        if (bytes == null) {
            return null;
        }
        long start = position();
        file.output().write(bytes, 0, bytes.length);
        return handleSince(start);
    }

    @Override
    public SharedFile uploadShared(Path localFile, String name) throws IOException {
        String key = storage.sharedFileKey(checkpointId, name);
        long size = Files.size(localFile);
        storage.writeState(key, localFile);
        return new SharedFile(name, key, size, checkpointId);
    }

    /** Writes the state file, unless nothing went into it. */
    void finish() throws IOException {
        file.writeTo(storage, stateFileKey);
    }

    /** What went into the state file. */
    long length() {
        return file.length();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
