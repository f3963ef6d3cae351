package dev.weir.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.weir.coordinator.WorkerGateway;
import dev.weir.runtime.worker.WorkerControlHandler;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;

/**
 * What a coordinator told one worker, in the order it arrived: "trigger 3", "complete 3",
 * "abort 3", "finish", "cancel".
 */
public final class ControlMessages implements WorkerControlHandler {

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    /** The next message, or null if none arrives within {@code timeoutMs}. */
    public String next(long timeoutMs) throws InterruptedException {
        return messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Skips messages until one starting with {@code prefix}; null if none came within 10 s of the last. */
    public String await(String prefix) throws InterruptedException {
        for (String m = next(10_000); m != null; m = next(10_000)) {
            if (m.startsWith(prefix)) {
                return m;
            }
        }
        return null;
    }

    /** A coordinator's gateway to a worker in this process that only records what it is told. */
    public WorkerGateway asGateway(String name) {
        ControlMessages recorder = this;
        return new WorkerGateway() {
            @Override
            public void triggerCheckpoint(TriggerCheckpoint trigger) {
                recorder.triggerCheckpoint(trigger);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) {
                recorder.notifyCheckpointComplete(checkpointId);
            }

            @Override
            public void notifyCheckpointAborted(long checkpointId) {
                recorder.notifyCheckpointAborted(checkpointId);
            }

            @Override
            public void finish() {
                recorder.finish();
            }

            @Override
            public void cancel() {
                recorder.cancel();
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }

    /** Records something else that happened to the worker, in line with the messages. */
    public void note(String event) {
        messages.add(event);
    }

    @Override
    public void triggerCheckpoint(TriggerCheckpoint trigger) {
        messages.add("trigger " + trigger.checkpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        messages.add("complete " + checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        messages.add("abort " + checkpointId);
    }

    @Override
    public void finish() {
        messages.add("finish");
    }

    @Override
    public void cancel() {
        messages.add("cancel");
    }
}
