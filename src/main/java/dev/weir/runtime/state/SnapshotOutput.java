package dev.weir.runtime.state;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Path;

import dev.weir.runtime.checkpoint.SharedFile;
import dev.weir.runtime.checkpoint.StateHandle;

/**
 * Where the asynchronous part of a keyed snapshot writes: the subtask's own state file of this
 * checkpoint, and for incremental snapshots the job's shared files. Used by one upload thread.
 */
public interface SnapshotOutput {

    long checkpointId();

    /** Appends to the subtask's state file; {@link #handleSince} names what was appended. */
    DataOutput stateFile();

    /** The bytes of {@link #stateFile} from {@code start} (a {@link #position}) to now. */
    StateHandle handleSince(long start);

    long position();

    /** Uploads an immutable file into the job's {@code shared/} directory. */
    SharedFile uploadShared(Path file, String name) throws IOException;
}
