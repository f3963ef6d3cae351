package dev.weir.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.functions.Collector;

/**
 * A source whose subtasks each emit their first {@code holdAfter} records (give or take one poll),
 * then wait until the file {@code gate} exists: a test decides when a job may end instead of
 * guessing how long it runs on a busy machine. A waiting reader has nothing available, so its task
 * still injects barriers: checkpoints and savepoints go on while it waits. A restored reader counts
 * anew; tests open the gate before they restore.
 */
public final class GatedSource<T> implements Source<T> {

    private final Source<T> inner;
    private final long holdAfter;
    private final String gate;

    public GatedSource(Source<T> inner, long holdAfter, String gate) {
        this.inner = inner;
        this.holdAfter = holdAfter;
        this.gate = gate;
    }

    /** Opens the gate of every job reading through it: the sources go on to their end. */
    public static void open(Path gate) throws java.io.IOException {
        Files.createDirectories(gate.getParent());
        Files.writeString(gate, "open");
    }

    @Override
    public SourceReader<T> createReader(SourceContext context) throws Exception {
        SourceReader<T> reader = inner.createReader(context);
        Path file = Path.of(gate);
        return new SourceReader<>() {
            private long emitted;
            private boolean open;

            @Override
            public InputStatus pollNext(Collector<T> output) throws Exception {
                if (!open && emitted >= holdAfter) {
                    open = Files.exists(file);
                    if (!open) {
                        return InputStatus.NOTHING_AVAILABLE;
                    }
                }
                return reader.pollNext(record -> {
                    emitted++;
                    output.collect(record);
                });
            }

            @Override
            public byte[] snapshotState(long checkpointId) throws Exception {
                return reader.snapshotState(checkpointId);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) throws Exception {
                reader.notifyCheckpointComplete(checkpointId);
            }

            @Override
            public void notifyCheckpointAborted(long checkpointId) throws Exception {
                reader.notifyCheckpointAborted(checkpointId);
            }

            @Override
            public void close() throws Exception {
                reader.close();
            }
        };
    }
}
