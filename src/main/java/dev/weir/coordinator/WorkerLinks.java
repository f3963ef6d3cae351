package dev.weir.coordinator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.runtime.checkpoint.CheckpointBarrier;
import dev.weir.runtime.worker.protocol.TriggerCheckpoint;

/**
 * Sends the coordinator's messages to every worker of an attempt at once, each worker's messages in
 * the order they were sent: one thread per worker, so a slow or unreachable worker delays nobody
 * else (the later a source gets its trigger, the longer the aligning tasks hold back the inputs
 * that already delivered their barrier), while "complete n" still reaches a worker before "finish".
 * Muted, it sends nothing more: a coordinator that detaches leaves the workers to the next one.
 */
final class WorkerLinks implements CheckpointTriggerGateway, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerLinks.class);

    /** One message to one worker. */
    interface Message {
        void sendTo(WorkerGateway worker) throws IOException;
    }

    private record Link(WorkerGateway gateway, ExecutorService sender) {}

    private final String name;
    private final Link[] links;
    private volatile boolean muted;

    WorkerLinks(String name, int workers) {
        this.name = name;
        this.links = new Link[workers];
    }

    synchronized void connect(int worker, WorkerGateway gateway) {
        Link old = links[worker];
        if (old != null && old.gateway() == gateway) {
            return;
        }
        if (old != null) {
            old.sender().shutdown();
        }
        ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weir-control-" + name + "-w" + worker);
            t.setDaemon(true);
            return t;
        });
        links[worker] = new Link(gateway, sender);
    }

    /** The last checkpoint whose completion was announced, and that announcement's delivery. */
    private long noticedCheckpoint = -1;
    private CompletableFuture<Void> notice = CompletableFuture.completedFuture(null);

    /** From now on nothing reaches the workers. */
    void mute() {
        muted = true;
    }

    @Override
    public CompletableFuture<Void> triggerCheckpoint(CheckpointBarrier barrier) {
        if (muted) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("the coordinator no longer coordinates these workers"));
        }
        TriggerCheckpoint trigger = TriggerCheckpoint.of(barrier);
        return sendToAll(worker -> worker.triggerCheckpoint(trigger)).handle((ignored, error) -> {
            if (error != null) {
                throw new CompletionException(new IllegalStateException("cannot trigger checkpoint "
                        + barrier.checkpointId() + ": " + AttemptCoordinator.rootMessage(error),
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error));
            }
            return null;
        });
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CompletableFuture<Void> sent = sendToAll(worker -> worker.notifyCheckpointComplete(checkpointId));
        synchronized (this) {
            noticedCheckpoint = checkpointId;
            notice = sent;
        }
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                LOG.debug("{}: 'complete {}' did not reach every worker: {}", name, checkpointId, error.getMessage());
            }
        });
    }

    /**
     * Completes once every worker has taken the notice that checkpoint {@code checkpointId} is
     * complete (or could not be reached): at once if that was not the last notice sent. A bounded
     * job's workers are told to finish only then: a worker that finished its sources first would
     * otherwise end the other workers' sinks before they heard that their last transaction may commit.
     */
    synchronized CompletableFuture<Void> completionNoticed(long checkpointId) {
        if (noticedCheckpoint != checkpointId) {
            return CompletableFuture.completedFuture(null);
        }
        return notice.handle((ok, error) -> null);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        sendToAllBestEffort(worker -> worker.notifyCheckpointAborted(checkpointId), "abort " + checkpointId);
    }

    /**
     * Sends {@code message} to every connected worker; the future fails with the first worker's
     * error (the others' messages are still sent).
     */
    CompletableFuture<Void> sendToAll(Message message) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        if (muted) {
            return CompletableFuture.completedFuture(null);
        }
        for (Link link : snapshot()) {
            CompletableFuture<Void> one = new CompletableFuture<>();
            try {
                link.sender().execute(() -> {
                    try {
                        message.sendTo(link.gateway());
                        one.complete(null);
                    } catch (IOException | RuntimeException e) {
                        one.completeExceptionally(new IOException(link.gateway().describe() + ": " + e.getMessage(), e));
                    }
                });
            } catch (RejectedExecutionException e) {
                one.completeExceptionally(new IOException(link.gateway().describe() + ": link closed"));
            }
            sent.add(one);
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    /** Sends without waiting; a worker that does not get it is logged, nothing else. */
    void sendToAllBestEffort(Message message, String what) {
        sendToAll(message).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.debug("{}: '{}' did not reach every worker: {}", name, what, error.getMessage());
            }
        });
    }

    private synchronized List<Link> snapshot() {
        List<Link> connected = new ArrayList<>();
        for (Link link : links) {
            if (link != null) {
                connected.add(link);
            }
        }
        return connected;
    }

    /** Lets queued messages go out, then stops the senders. */
    @Override
    public synchronized void close() {
        for (Link link : links) {
            if (link != null) {
                link.sender().shutdown();
            }
        }
    }
}
