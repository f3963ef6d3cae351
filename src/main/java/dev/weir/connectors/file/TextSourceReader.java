package dev.weir.connectors.file;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.ReaderOutput;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;
import dev.weir.runtime.dataflow.functions.Collector;
import dev.weir.runtime.dataflow.UnrecoverableJobException;
import dev.weir.runtime.state.KeyGroupAssignment;
import dev.weir.runtime.storage.StorageRefusedException;

/**
 * One subtask's share of a text source, local or S3. The subtask lists the input when it starts
 * (job start or restore), keeps the files it owns, drops those the restored state names as
 * finished, and reads the rest in name order, seeking into a file the state names as started.
 *
 * <p>A file belongs to the subtask that would own it as a key ({@link #subtaskFor}): the owner
 * depends on the name alone, so listing again with more files moves no file, and subtasks that
 * list at slightly different moments still agree on every file they both see.
 */
final class TextSourceReader implements SourceReader<String> {

    private static final int BATCH = 1024;

    private final TextInput input;
    private final int chunkSize;
    private final Deque<String> pending;
    private final TextSourceOffsets offsets;
    private TextLines current;

    private TextSourceReader(TextInput input, int chunkSize, Deque<String> pending, TextSourceOffsets offsets) {
        this.input = input;
        this.chunkSize = chunkSize;
        this.pending = pending;
        this.offsets = offsets;
    }

    /** Lists {@code input} and restores this subtask's position; closes the input if that fails. */
    static TextSourceReader open(TextInput input, SourceContext context, int chunkSize) throws IOException {
        try {
            List<String> names;
            try {
                names = input.list();
            } catch (StorageRefusedException e) {
                // No such bucket, wrong credentials, no permission: no restart heals it, the settings must change.
                throw new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                        input.describe() + ": cannot list the input: " + e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                // Store failures name the location and endpoint, never a credential.
                throw new IOException(input.describe() + ": cannot list the input: " + e.getMessage(), e);
            }
            TextSourceOffsets restored = TextSourceOffsets.union(context.restore());
            TextSourceOffsets mine = TextSourceOffsets.empty();
            Deque<String> pending = new ArrayDeque<>();
            for (String name : names) {
                if (subtaskFor(name, context.parallelism(), context.maxParallelism()) != context.subtask()) {
                    continue;
                }
                // Names of files no longer listed are dropped here, so deleting finished input shrinks the state.
                if (restored.finished().contains(name)) {
                    mine.finished().add(name);
                } else {
                    pending.add(name);
                    Long offset = restored.started().get(name);
                    if (offset != null) {
                        mine.started().put(name, offset);
                    }
                }
            }
            return new TextSourceReader(input, chunkSize, pending, mine);
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
        }
    }

    /** The subtask owning the file {@code name}: the key-group owner of the name, as for a keyed record. */
    static int subtaskFor(String name, int parallelism, int maxParallelism) {
        int groups = Math.max(maxParallelism, parallelism);
        return KeyGroupAssignment.subtaskFor(KeyGroupAssignment.keyGroupFor(name, groups), groups, parallelism);
    }

    /**
     * Each file is a split (as in Flink's file source): its lines go through its own output, and a
     * file read to its end releases its split, so a finished file no longer holds the watermark.
     */
    @Override
    public InputStatus pollNext(ReaderOutput<String> output) throws IOException {
        return poll(output::forSplit, output);
    }

    @Override
    public InputStatus pollNext(Collector<String> output) throws IOException {
        return poll(name -> output, null);
    }

    /** Emits up to {@link #BATCH} lines, moving on across file ends within the poll. */
    private InputStatus poll(Function<String, Collector<String>> outputOf, ReaderOutput<String> splits) throws IOException {
        int emitted = 0;
        Collector<String> currentOutput = current == null ? null : outputOf.apply(pending.peekFirst());
        while (emitted < BATCH && !pending.isEmpty()) {
            String name = pending.peekFirst();
            if (current == null) {
                current = openAtOffset(name);
                currentOutput = outputOf.apply(name);
            }
            String line = current.next();
            if (line == null) {
                current.close();
                current = null;
                pending.removeFirst();
                offsets.started().remove(name);
                offsets.finished().add(name);
                if (splits != null) {
                    splits.releaseSplit(name);
                }
                continue;
            }
            currentOutput.collect(line);
            emitted++;
        }
        return pending.isEmpty() ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
    }

    private TextLines openAtOffset(String name) throws IOException {
        TextInput.OpenFile file = input.open(name);
        try {
            return new TextLines(file, name, offsets.started().getOrDefault(name, 0L), chunkSize);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public byte[] snapshotState(long checkpointId) {
        if (current != null) {
            offsets.started().put(pending.peekFirst(), current.consumedBytes());
        }
        return offsets.serialize();
    }

    @Override
    public void close() throws IOException {
        try {
            if (current != null) {
                current.close();
            }
        } finally {
            input.close();
        }
    }
}
