package dev.weir.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.weir.runtime.dataflow.InputStatus;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.Source;
import dev.weir.runtime.dataflow.SourceContext;
import dev.weir.runtime.dataflow.SourceReader;

/**
 * Drives every subtask of a source directly, without an engine, in the spirit of Jet's
 * TestSupport: poll, checkpoint, throw the readers away, restore them (at the same or another
 * parallelism) and keep going. {@link #output()} is what a downstream exactly-once consumer would
 * keep: a restore rewinds it to the last checkpoint, as the downstream state would be rewound.
 */
public final class SourceTestHarness<T> {

    private final Source<T> source;
    private final int maxParallelism;
    private final Random random;
    private final List<T> output = new ArrayList<>();
    private final List<SourceReader<T>> readers = new ArrayList<>();
    private final List<Boolean> finished = new ArrayList<>();
    private List<byte[]> lastCheckpoint = List.of();
    private long lastCheckpointId = OperatorStateRestore.NO_CHECKPOINT;
    private int outputAtLastCheckpoint;
    private long nextCheckpointId = 1;
    private long attempt;

    public SourceTestHarness(Source<T> source, int parallelism, int maxParallelism, long seed) throws Exception {
        this.source = source;
        this.maxParallelism = maxParallelism;
        this.random = new Random(seed);
        openReaders(parallelism, List.of());
    }

    /** Every record {@code source} emits at {@code parallelism}, with no checkpoint. */
    public static <T> List<T> readAll(Source<T> source, int parallelism, int maxParallelism) throws Exception {
        SourceTestHarness<T> harness = new SourceTestHarness<>(source, parallelism, maxParallelism, 0);
        while (harness.pollAll()) {
            // keep polling
        }
        return harness.output();
    }

    /**
     * Checkpoints after every poll round and restores from it; about every third round it also
     * polls on past the checkpoint and "crashes", so that those records must be replayed.
     */
    public static <T> List<T> readWithRestoreAfterEveryPoll(Source<T> source, int parallelism, int maxParallelism,
                                                            long seed) throws Exception {
        SourceTestHarness<T> harness = new SourceTestHarness<>(source, parallelism, maxParallelism, seed);
        boolean more = true;
        while (more) {
            more = harness.pollAll();
            harness.checkpoint();
            if (harness.random.nextInt(3) == 0) {
                harness.pollAll();
            }
            harness.restore(parallelism);
        }
        return harness.output();
    }

    /** Polls {@code rounds} times at {@code from}, checkpoints, polls on, crashes, restores at {@code to}. */
    public static <T> List<T> readWithRescale(Source<T> source, int from, int to, int rounds, int maxParallelism)
            throws Exception {
        return readWithRescales(source, rounds, maxParallelism, from, to);
    }

    /**
     * Starts at the first of {@code parallelisms}; for each next one polls {@code rounds} times,
     * checkpoints, polls on, crashes and restores at that parallelism; then reads to the end.
     */
    public static <T> List<T> readWithRescales(Source<T> source, int rounds, int maxParallelism, int... parallelisms)
            throws Exception {
        SourceTestHarness<T> harness = new SourceTestHarness<>(source, parallelisms[0], maxParallelism, 0);
        for (int i = 1; i < parallelisms.length; i++) {
            for (int r = 0; r < rounds; r++) {
                harness.pollAll();
            }
            harness.checkpoint();
            harness.pollAll();
            harness.restore(parallelisms[i]);
        }
        while (harness.pollAll()) {
            // keep polling
        }
        return harness.output();
    }

    /** Polls one subtask once; its records go to {@link #output()}. */
    public InputStatus poll(int subtask) throws Exception {
        InputStatus status = readers.get(subtask).pollNext(output::add);
        if (status == InputStatus.END_OF_INPUT) {
            finished.set(subtask, true);
        }
        return status;
    }

    /** Polls every unfinished subtask once; false when all have reached the end of input. */
    public boolean pollAll() throws Exception {
        boolean more = false;
        for (int s = 0; s < readers.size(); s++) {
            if (!finished.get(s)) {
                more |= poll(s) != InputStatus.END_OF_INPUT;
            }
        }
        return more;
    }

    /** Snapshots every reader (finished ones too, as a source task keeps checkpointing) and sometimes notifies. */
    public List<byte[]> checkpoint() throws Exception {
        long id = nextCheckpointId++;
        List<byte[]> states = new ArrayList<>();
        for (SourceReader<T> reader : readers) {
            states.add(reader.snapshotState(id));
        }
        lastCheckpoint = states;
        lastCheckpointId = id;
        outputAtLastCheckpoint = output.size();
        if (random.nextBoolean()) {
            for (SourceReader<T> reader : readers) {
                reader.notifyCheckpointComplete(id);
            }
        }
        return states;
    }

    /** Discards the readers (closed or not, at random) and restores from the last checkpoint. */
    public void restore(int parallelism) throws Exception {
        if (random.nextBoolean()) {
            for (SourceReader<T> reader : readers) {
                reader.close();
            }
        }
        output.subList(outputAtLastCheckpoint, output.size()).clear();
        attempt++;
        openReaders(parallelism, lastCheckpoint);
    }

    public List<T> output() {
        return output;
    }

    private void openReaders(int parallelism, List<byte[]> previousStates) throws Exception {
        readers.clear();
        finished.clear();
        for (int s = 0; s < parallelism; s++) {
            OperatorStateRestore restore = new OperatorStateRestore(s, parallelism, lastCheckpointId, previousStates);
            readers.add(source.createReader(new SourceContext("test", s, parallelism, maxParallelism, attempt, restore)));
            finished.add(false);
        }
    }
}
