package dev.weir.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Drives every subtask of a sink directly, without an engine, in the spirit of Jet's TestSupport:
 * the exactly-once torture Weir's own sinks go through, for yours. Primitives ({@link #write},
 * {@link #snapshot}, {@link #complete}, {@link #restore}) build targeted scenarios;
 * {@link #runWithRestoreAfterEveryItem} plays the whole input with a checkpoint and a fresh,
 * restored set of writers after every item, randomly losing, delaying or sending
 * notifications, failing checkpoints, crashing instead of closing, and changing parallelism.
 * The caller then reads the committed output independently and compares it with the input:
 *
 * <pre>{@code
 * SinkTestHarness.runWithRestoreAfterEveryItem(new MySink(target), input, seed, 2, 1, 3);
 * assertThat(readCommitted(target)).containsExactlyInAnyOrderElementsOf(input);
 * }</pre>
 *
 * <p>Writers are created, snapshotted, notified and restored exactly as the engine does it
 * (operator state through {@link OperatorStateRestore}, attempts counted up on every restore),
 * so a sink that passes here obeys the rules every Weir sink obeys (docs/writing-a-job.md):
 * notifications may be lost or late, a higher checkpoint id covers all lower ones, commits are
 * idempotent, and committables of the restored checkpoint are committed again.
 */
public final class SinkTestHarness<T> {

    /** A taken snapshot: the writers' states and how much input they cover. */
    private record Snapshot(long id, int inputPosition, List<byte[]> states) {}

    private final Sink<T> sink;
    private final Random random;
    private final List<SinkWriter<T>> writers = new ArrayList<>();
    private Snapshot lastTaken;
    private Snapshot lastCompleted = new Snapshot(0, 0, List.of());
    private long nextCheckpointId = 1;
    private long attempt;
    private int inputPosition;
    private int restores;

    public SinkTestHarness(Sink<T> sink, int parallelism, long seed) throws Exception {
        this.sink = sink;
        this.random = new Random(seed);
        openWriters(parallelism, lastCompleted);
    }

    /**
     * Writes all of {@code input} (item {@code i} to subtask {@code i % parallelism}) with a
     * snapshot and a restore after every item, then finishes with a final checkpoint.
     * Parallelism after each restore is taken at random from {@code parallelisms}.
     */
    public static <T> SinkTestHarness<T> runWithRestoreAfterEveryItem(Sink<T> sink, List<T> input, long seed,
                                                                      int... parallelisms) throws Exception {
        SinkTestHarness<T> harness = new SinkTestHarness<>(sink, parallelisms[0], seed);
        Long lateNotification = null;
        while (harness.inputPosition < input.size()) {
            if (lateNotification != null) {
                harness.notifyComplete(lateNotification);
                lateNotification = null;
            }
            int position = harness.inputPosition;
            harness.write(position % harness.parallelism(), input.get(position));
            harness.inputPosition++;
            long id = harness.snapshot();
            int roll = harness.random.nextInt(10);
            if (roll < 4) {
                harness.complete(id, true);
            } else if (roll < 6) {
                harness.complete(id, false); // the notification is lost
            } else if (roll < 8) {
                harness.complete(id, false);
                lateNotification = id; // reaches the restored writers
            } else {
                harness.notifyAborted(id); // the checkpoint fails: the restore goes further back
            }
            harness.restore(parallelisms[harness.random.nextInt(parallelisms.length)], harness.random.nextBoolean());
        }
        harness.finish();
        return harness;
    }

    public void write(int subtask, T record) throws Exception {
        writers.get(subtask).write(record);
    }

    /** Takes checkpoint {@code id} (the next one) on every writer; it is not complete yet. */
    public long snapshot() throws Exception {
        long id = nextCheckpointId++;
        List<byte[]> states = new ArrayList<>();
        for (SinkWriter<T> writer : writers) {
            states.add(writer.snapshotState(id));
        }
        lastTaken = new Snapshot(id, inputPosition, states);
        return id;
    }

    /** Marks the last taken checkpoint complete (the restore point); optionally notifies the writers. */
    public void complete(long id, boolean notify) throws Exception {
        if (lastTaken == null || lastTaken.id() != id) {
            throw new IllegalArgumentException("checkpoint " + id + " is not the last one taken");
        }
        lastCompleted = lastTaken;
        if (notify) {
            notifyComplete(id);
        }
    }

    public void notifyComplete(long id) throws Exception {
        for (SinkWriter<T> writer : writers) {
            writer.notifyCheckpointComplete(id);
        }
    }

    public void notifyAborted(long id) throws Exception {
        for (SinkWriter<T> writer : writers) {
            writer.notifyCheckpointAborted(id);
        }
    }

    /**
     * Throws the writers away (closing them when {@code graceful}, else as in a crash) and opens
     * new ones at {@code parallelism}, restored from the last completed checkpoint, in a new
     * attempt. Input after that checkpoint must be written again: see {@link #inputPosition()}.
     */
    public void restore(int parallelism, boolean graceful) throws Exception {
        if (graceful) {
            for (SinkWriter<T> writer : writers) {
                writer.close();
            }
        }
        attempt++;
        restores++;
        inputPosition = lastCompleted.inputPosition();
        openWriters(parallelism, lastCompleted);
    }

    /** End of input, a final checkpoint that completes and is notified, then close. */
    public void finish() throws Exception {
        for (SinkWriter<T> writer : writers) {
            writer.endInput();
        }
        complete(snapshot(), true);
        for (SinkWriter<T> writer : writers) {
            writer.close();
        }
    }

    public int parallelism() {
        return writers.size();
    }

    public long attempt() {
        return attempt;
    }

    public int restores() {
        return restores;
    }

    /** How much input the writers hold: after a restore, what the last completed checkpoint covered. */
    public int inputPosition() {
        return inputPosition;
    }

    private void openWriters(int parallelism, Snapshot from) throws Exception {
        writers.clear();
        for (int s = 0; s < parallelism; s++) {
            OperatorStateRestore restore = new OperatorStateRestore(s, parallelism, from.id(), from.states());
            writers.add(sink.createWriter(new SinkContext("test", s, parallelism, attempt, restore)));
        }
    }
}
