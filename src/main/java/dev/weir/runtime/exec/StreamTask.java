package dev.weir.runtime.exec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.checkpoint.ExecutionVertexId;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.state.KeyedStateRestore;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.StreamNode;
import dev.weir.runtime.exec.operators.OperatorContext;
import dev.weir.runtime.metrics.TaskIoMetrics;
import dev.weir.runtime.network.EndOfData;
import dev.weir.runtime.network.EndOfPartition;
import dev.weir.runtime.network.ResultPartition;

/**
 * One subtask of one job vertex, run by one thread. The thread alternates between its mailbox
 * (checkpoint triggers, notifications, timers, control) and its input, so all of them are
 * handled in order on the same thread and never race.
 */
public abstract class StreamTask implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamTask.class);
    static final long FLUSH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    protected final TaskEnvironment env;
    protected final List<StreamNode> chainNodes;
    protected final List<ResultPartition> partitions;
    protected final TaskOutputs outputs;
    protected final TaskMailbox mailbox = new TaskMailbox();
    protected final SubtaskCheckpointCoordinator checkpoints;
    protected final TaskIoMetrics io;
    protected OperatorChain chain;
    protected boolean endOfDataSent;
    private long lastFlushNanos = System.nanoTime();
    /**
     * Records this task read, and its sinks wrote: counted on the task thread in plain fields and
     * read by {@link #io}'s samplers on other threads without synchronization, as Flink's
     * {@code SimpleCounter} is, so a sample may be a batch behind, never ahead.
     */
    protected long recordsIn;
    private long sinkRecordsOut;
    private volatile boolean canceled;
    private volatile Thread thread;

    /** @param io this subtask's metrics; its partitions already time their waits for room with it */
    /** The chained operators' names joined as Flink shows a task: {@code Count per key -> Print}. */
    String displayName() {
        return String.join(" -> ", chainNodes.stream().map(StreamNode::name).toList());
    }

    protected StreamTask(TaskEnvironment env, List<StreamNode> chainNodes, TaskOutputs outputs, TaskIoMetrics io) {
        this.env = env;
        this.io = io;
        this.chainNodes = chainNodes;
        this.partitions = outputs.partitions();
        this.outputs = outputs;
        this.checkpoints = new SubtaskCheckpointCoordinator(env);
        for (ResultPartition partition : partitions) {
            partition.setRoomListener(mailbox::wakeUp);
        }
        io.countRecordsWith(this::recordsInSoFar, this::recordsOutSoFar);
    }

    /** Records read so far: from the network input, or for a source from the external system. Any thread. */
    protected long recordsInSoFar() {
        return recordsIn;
    }

    /** Records emitted into network edges plus those the sinks wrote. Any thread. */
    private long recordsOutSoFar() {
        long out = sinkRecordsOut;
        for (ResultPartition partition : partitions) {
            out += partition.recordsOut();
        }
        return out;
    }

    public ExecutionVertexId vertexId() {
        return env.vertexId();
    }

    @Override
    public final void run() {
        thread = Thread.currentThread();
        mailbox.bindToCurrentThread();
        boolean closed = false;
        try {
            chain = OperatorChain.create(chainNodes, outputs.byNode(), restoreContexts());
            chain.open();
            replayChannelState();
            LOG.debug("{}: running", env.vertexId());
            io.running(System.nanoTime());
            env.listener().running(env.vertexId());
            runLoop();
            reportRecordCounts();
            closed = true;
            chain.close();
            if (!canceled) {
                env.listener().finished(env.vertexId());
            }
        } catch (Throwable t) {
            if (canceled || t instanceof TaskCanceledException || t instanceof InterruptedException) {
                LOG.debug("{} canceled", env.vertexId());
            } else {
                env.listener().failed(env.vertexId(), t);
            }
        } finally {
            if (!closed && chain != null) {
                try {
                    chain.close();
                } catch (Exception e) {
                    LOG.debug("{}: error closing after failure: {}", env.vertexId(), e.toString());
                }
            }
        }
    }

    protected abstract void runLoop() throws Exception;

    /** Before the task runs: the in-flight records an unaligned checkpoint persisted for its input. */
    protected void replayChannelState() throws Exception {}

    protected boolean isCanceled() {
        return canceled || Thread.currentThread().isInterrupted();
    }

    /** Coordinator → sources: inject {@code barrier}. Ignored by tasks with inputs (their barriers come in-band). */
    public void triggerCheckpoint(CheckpointBarrier barrier) {
        mailbox.put(() -> onTriggerCheckpoint(barrier));
    }

    protected void onTriggerCheckpoint(CheckpointBarrier barrier) throws Exception {
        throw new IllegalStateException("only source tasks are triggered");
    }

    public void notifyCheckpointComplete(long checkpointId) {
        mailbox.put(() -> chain.notifyCheckpointComplete(checkpointId));
    }

    public void notifyCheckpointAborted(long checkpointId) {
        mailbox.put(() -> onCheckpointAborted(checkpointId));
    }

    protected void onCheckpointAborted(long checkpointId) throws Exception {
        chain.notifyCheckpointAborted(checkpointId);
    }

    /** After the final checkpoint: sources stop, and the end travels downstream. */
    public void finish() {
        mailbox.put(this::onFinish);
    }

    protected void onFinish() throws Exception {}

    /** Stops the task without committing anything; a later attempt recovers from the checkpoint. */
    public void cancel() {
        canceled = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    protected void performCheckpoint(CheckpointBarrier barrier, long alignmentNanos) throws Exception {
        checkpoints.checkpoint(barrier, alignmentNanos, chain, partitions);
    }

    /**
     * Whether every output channel would take a batch now. Before taking more input a task checks
     * this, so that under backpressure it waits in its loop, where it still handles checkpoint
     * triggers and overtaking barriers, rather than inside a send.
     */
    protected boolean outputsHaveRoom() {
        for (ResultPartition partition : partitions) {
            if (!partition.hasRoom()) {
                return false;
            }
        }
        return true;
    }

    protected void sendEndOfData() throws Exception {
        chain.endInput();
        for (ResultPartition partition : partitions) {
            partition.broadcastEvent(EndOfData.INSTANCE);
        }
        endOfDataSent = true;
        env.listener().endOfData(env.vertexId());
    }

    protected void sendEndOfPartition() throws Exception {
        for (ResultPartition partition : partitions) {
            partition.broadcastEvent(EndOfPartition.INSTANCE);
        }
    }

    protected void flushIfDue() throws Exception {
        long now = System.nanoTime();
        if (now - lastFlushNanos >= FLUSH_INTERVAL_NANOS) {
            flushWhereRoom();
        }
    }

    /**
     * Sends the batches being filled to the channels that have room; the others keep theirs. Never
     * waits, except that what the chain holds back to combine ({@link OperatorChain#flushBuffered})
     * goes into the batches first when every output has room, which may fill a batch or two.
     */
    protected void flushWhereRoom() throws Exception {
        lastFlushNanos = System.nanoTime();
        if (outputsHaveRoom()) {
            chain.flushBuffered();
        }
        reportRecordCounts();
        for (ResultPartition partition : partitions) {
            partition.flushWhereRoom();
        }
    }

    /** Waits for input or mail for at most {@code timeoutNanos}; the time counts as idle. */
    protected void idle(long timeoutNanos) {
        io.idle().start(System.nanoTime());
        mailbox.idle(timeoutNanos);
        io.idle().stop(System.nanoTime());
    }

    /**
     * Waits for room in an output (or mail) for at most {@code timeoutNanos}: the task waits in its
     * loop rather than inside a send, and the time counts as back-pressured.
     */
    protected void backPressured(long timeoutNanos) {
        io.backPressure().start(System.nanoTime());
        mailbox.idle(timeoutNanos);
        io.backPressure().stop(System.nanoTime());
    }

    protected void flushAll() throws InterruptedException {
        lastFlushNanos = System.nanoTime();
        reportRecordCounts();
        for (ResultPartition partition : partitions) {
            partition.flushAll();
        }
    }

    /** At most every flush interval: what the sinks wrote since the last report. */
    private void reportRecordCounts() {
        for (dev.weir.runtime.exec.operators.StreamOperator operator : chain.operators()) {
            if (operator instanceof dev.weir.runtime.exec.operators.SinkOperator sink) {
                long written = sink.takeRecordsIn();
                env.metrics().addSinkRecords(written);
                sinkRecordsOut += written;
            }
        }
    }

    /** Reads this subtask's restored state from storage and builds each operator's context. */
    private Map<String, OperatorContext> restoreContexts() throws IOException {
        Map<String, OperatorContext> contexts = new LinkedHashMap<>();
        Map<String, byte[]> objects = new HashMap<>();
        for (StreamNode node : chainNodes) {
            long checkpointId = env.restore() == null ? OperatorStateRestore.NO_CHECKPOINT : env.restore().checkpointId();
            OperatorStateRestore operatorState =
                    new OperatorStateRestore(env.subtask(), env.parallelism(), checkpointId, List.of());
            KeyedStateRestore keyedState = KeyedStateRestore.NONE;
            TaskRestore.OperatorRestore restore = env.restore() == null ? null : env.restore().operator(node.uid());
            if (restore != null) {
                List<byte[]> previous = new ArrayList<>();
                for (StateHandle handle : restore.previousOperatorStates()) {
                    previous.add(handle == null ? null : read(handle, objects));
                }
                operatorState = new OperatorStateRestore(env.subtask(), env.parallelism(), checkpointId, previous);
                Map<Integer, byte[]> keyGroups = new HashMap<>();
                for (Map.Entry<Integer, StateHandle> e : restore.keyGroups().entrySet()) {
                    keyGroups.put(e.getKey(), read(e.getValue(), objects));
                }
                Map<Integer, List<byte[]>> changelog = new HashMap<>();
                for (Map.Entry<Integer, List<StateHandle>> e : restore.changelog().entrySet()) {
                    List<byte[]> chain = new ArrayList<>();
                    for (StateHandle handle : e.getValue()) {
                        chain.add(read(handle, objects));
                    }
                    changelog.put(e.getKey(), chain);
                }
                keyedState = new KeyedStateRestore(keyGroups, restore.incremental(),
                        new StorageStateFiles(env.storage()), env.storage().ownsSharedFiles(restore.incremental()),
                        changelog);
            }
            contexts.put(node.uid(), new OperatorContext(env.jobName(), node.uid(), env.subtask(), env.parallelism(),
                    env.maxParallelism(), env.attempt(), env.keyGroupRange(), operatorState, keyedState,
                    env.stateBackend(), env.timeService(), mailbox, outputs.timestamp()));
        }
        return contexts;
    }

    /** Reads each state object once and slices it: a restore touches few, large objects. */
    protected byte[] read(StateHandle handle, Map<String, byte[]> objects) throws IOException {
        if (handle.length() == 0) {
            // A subtask whose whole snapshot was empty (a keyed task that had seen no key yet, chained
            // with a sink whose state is empty) uploaded no object, yet its handles are valid.
            return new byte[0];
        }
        byte[] object = objects.get(handle.key());
        if (object == null) {
            object = env.storage().store().get(handle.key());
            objects.put(handle.key(), object);
        }
        byte[] slice = new byte[handle.length()];
        System.arraycopy(object, (int) handle.offset(), slice, 0, handle.length());
        return slice;
    }
}
