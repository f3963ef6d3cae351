package dev.weir.runtime.storage;

import dev.weir.runtime.checkpoint.CheckpointMetadata;
import dev.weir.runtime.checkpoint.CheckpointType;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.OperatorSubtaskState;
import dev.weir.runtime.checkpoint.StateHandle;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Writes realistic checkpoints (state file + metadata) for the storage tests. */
final class CheckpointFixtures {

    private CheckpointFixtures() {}

    static final ExecutionVertexId COUNTER_0 = new ExecutionVertexId("counter", 0);

    /** One subtask's state file holding key groups 0..1, and metadata pointing into it. */
    static CheckpointMetadata writeCompleted(CheckpointStorage storage, long id, CheckpointType type)
            throws IOException {
        writeStateOnly(storage, id, type);
        String key = storage.stateKey(id, type, COUNTER_0, 0, 1);
        CheckpointMetadata metadata = new CheckpointMetadata(
                id,
                type == CheckpointType.SAVEPOINT,
                1_000 + id,
                2_000 + id,
                "keyed-count",
                1,
                128,
                Map.of("count-op", List.of(new OperatorSubtaskState(
                        0,
                        new StateHandle(key, 0, 3),
                        Map.of(0, new StateHandle(key, 3, 4), 1, new StateHandle(key, 7, 2))))));
        storage.writeMetadata(metadata, type);
        return metadata;
    }

    static void writeStateOnly(CheckpointStorage storage, long id, CheckpointType type) throws IOException {
        storage.writeState(storage.stateKey(id, type, COUNTER_0, 0, 1), "opsKG0-KG1".getBytes());
    }
}
