package dev.weir.runtime.worker;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.weir.runtime.worker.protocol.TriggerCheckpoint;

/** Records what reached the handler, as strings, so tests can compare whole call sequences. */
public final class RecordingWorkerHandler implements WorkerControlHandler {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public volatile RuntimeException failWith;
    /** How long the next triggers take to be answered, one entry each (a starved worker). */
    public final Queue<Long> triggerDelaysMs = new ConcurrentLinkedQueue<>();

    @Override
    public void triggerCheckpoint(TriggerCheckpoint trigger) {
        Long delay = triggerDelaysMs.poll();
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        record("trigger " + trigger.checkpointId() + " " + trigger.timestamp() + " " + trigger.type());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        record("complete " + checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        record("abort " + checkpointId);
    }

    @Override
    public void finish() {
        record("finish");
    }

    @Override
    public void cancel() {
        record("cancel");
    }

    private void record(String call) {
        if (failWith != null) {
            throw failWith;
        }
        calls.add(call);
    }
}
