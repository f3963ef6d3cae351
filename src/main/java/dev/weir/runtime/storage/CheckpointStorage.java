package dev.weir.runtime.storage;

import java.io.IOException;

import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.StateHandle;

/** PLACEHOLDER until the storage branch is merged (same signatures). */
public class CheckpointStorage {
    public String stateKey(long checkpointId, CheckpointType type, ExecutionVertexId vertex, int keyGroupStart, int keyGroupEnd) {
        throw new UnsupportedOperationException();
    }

    public void writeState(String key, byte[] bytes) throws IOException {
        throw new UnsupportedOperationException();
    }

    public byte[] readState(StateHandle handle) throws IOException {
        throw new UnsupportedOperationException();
    }
}
