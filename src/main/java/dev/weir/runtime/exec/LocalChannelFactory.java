package dev.weir.runtime.exec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.OutputChannel;

/** Every channel is an in-memory queue: producer and consumer share it, records pass as objects. */
public final class LocalChannelFactory implements ChannelFactory {

    private final int capacity;
    private final Map<String, ChannelQueue> queues = new ConcurrentHashMap<>();

    /** @param capacity batches a channel holds before its producer blocks */
    public LocalChannelFactory(int capacity) {
        this.capacity = capacity;
    }

    private ChannelQueue queue(JobGraph.JobEdge edge, int producer, int consumer) {
        return queues.computeIfAbsent(edge.id() + "/" + producer + "/" + consumer, k -> new ChannelQueue(capacity));
    }

    @Override
    public OutputChannel outputChannel(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask) {
        return queue(edge, producerSubtask, consumerSubtask);
    }

    @Override
    public ChannelQueue inputChannel(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask) {
        return queue(edge, producerSubtask, consumerSubtask);
    }

    @Override
    public void closeAll() {
        queues.values().forEach(ChannelQueue::close);
    }
}
