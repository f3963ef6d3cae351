package dev.weir.runtime.state;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.weir.runtime.checkpoint.KeyedStateHandle;
import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.serialization.DataOutputBuffer;

/**
 * An incremental heap snapshot ({@link HeapChangelog}): the captured parts, whole or as changes since
 * the chain's previous snapshot, written as one object in the job's {@code shared/} directory (from a
 * local temporary file, so no array of the state's size is needed), one range per key group. The
 * handle lists, per key group, that range after the earlier ones of the chain.
 */
final class HeapChangelogSnapshot implements KeyedStateSnapshot {

    private final KeyGroupRange range;
    private final List<KeyGroupedStatePart.CapturedPart> parts;
    private final HeapChangelog changelog;
    private final HeapChangelog.Plan plan;
    private final long checkpointId;
    private final CapturedParts captured;

    HeapChangelogSnapshot(KeyGroupRange range, List<KeyGroupedStatePart.CapturedPart> parts, HeapChangelog changelog,
                          HeapChangelog.Plan plan, long checkpointId, Runnable onRelease) {
        this.range = range;
        this.parts = parts;
        this.changelog = changelog;
        this.plan = plan;
        this.checkpointId = checkpointId;
        this.captured = new CapturedParts(parts, onRelease);
    }

    @Override
    public KeyedStateHandle write(SnapshotOutput out) throws IOException {
        Path file = Files.createTempFile("weir-heap-changes-", ".bin");
        try {
            Map<Integer, long[]> ranges = new HashMap<>();
            long length = 0;
            try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                DataOutputBuffer group = new DataOutputBuffer(64 * 1024);
                for (int index = 0; index < range.size(); index++) {
                    group.reset();
                    if (HeapChangelogFormat.writeKeyGroup(index, parts, plan.full(), group)) {
                        stream.write(group.array(), 0, group.length());
                        ranges.put(range.start() + index, new long[] {length, group.length()});
                        length += group.length();
                    }
                }
            } finally {
                release();
            }
            Map<Integer, StateHandle> handles = new HashMap<>();
            if (length > 0) {
                SharedFile shared = out.uploadShared(file, "heap-" + range.start() + "-" + range.end());
                for (Map.Entry<Integer, long[]> e : ranges.entrySet()) {
                    handles.put(e.getKey(), new StateHandle(shared.key(), e.getValue()[0], (int) e.getValue()[1]));
                }
            }
            List<HeapChangelog.Link> chain = new ArrayList<>(plan.earlier());
            chain.add(new HeapChangelog.Link(checkpointId, handles, length));
            changelog.uploaded(checkpointId, chain);
            return new KeyedStateHandle(Map.of(), null, HeapChangelog.byKeyGroup(chain));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void release() {
        captured.release();
    }
}
