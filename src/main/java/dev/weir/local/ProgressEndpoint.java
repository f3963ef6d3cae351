package dev.weir.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.weir.coordinator.AttemptEndpoint;
import dev.weir.runtime.exec.JobMetrics;
import dev.weir.runtime.worker.protocol.Acknowledge;
import dev.weir.runtime.worker.protocol.Decline;
import dev.weir.runtime.worker.protocol.Heartbeat;
import dev.weir.runtime.worker.protocol.HeartbeatReply;
import dev.weir.runtime.worker.protocol.PeerList;
import dev.weir.runtime.worker.protocol.PeerLost;
import dev.weir.runtime.worker.protocol.TaskEvent;
import dev.weir.runtime.worker.protocol.WorkerFailure;
import dev.weir.runtime.worker.protocol.WorkerRegistration;

/** An attempt's endpoint that also turns the record counts in heartbeats into job metrics. */
final class ProgressEndpoint implements AttemptEndpoint {

    private final AttemptEndpoint delegate;
    private final JobMetrics metrics;
    private final Map<Integer, long[]> lastCounts = new ConcurrentHashMap<>();

    ProgressEndpoint(AttemptEndpoint delegate, JobMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public PeerList register(WorkerRegistration registration) {
        return delegate.register(registration);
    }

    @Override
    public PeerList peers(long attempt) {
        return delegate.peers(attempt);
    }

    @Override
    public void acknowledge(Acknowledge acknowledge) {
        delegate.acknowledge(acknowledge);
    }

    @Override
    public void decline(Decline decline) {
        delegate.decline(decline);
    }

    @Override
    public void taskEvent(TaskEvent event) {
        delegate.taskEvent(event);
    }

    @Override
    public void workerFailed(WorkerFailure failure) {
        delegate.workerFailed(failure);
    }

    @Override
    public void peerLost(PeerLost report) {
        delegate.peerLost(report);
    }

    @Override
    public HeartbeatReply heartbeat(Heartbeat heartbeat) {
        HeartbeatReply reply = delegate.heartbeat(heartbeat);
        long[] last = lastCounts.computeIfAbsent(heartbeat.worker(), w -> new long[2]);
        synchronized (last) {
            metrics.addSourceRecords(Math.max(0, heartbeat.sourceRecords() - last[0]));
            metrics.addSinkRecords(Math.max(0, heartbeat.sinkRecords() - last[1]));
            last[0] = Math.max(last[0], heartbeat.sourceRecords());
            last[1] = Math.max(last[1], heartbeat.sinkRecords());
        }
        return reply;
    }
}
