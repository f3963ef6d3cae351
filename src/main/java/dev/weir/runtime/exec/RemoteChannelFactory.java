package dev.weir.runtime.exec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.OutputChannel;
import dev.weir.runtime.network.remote.DataPlane;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * Channels of one worker that runs subtask {@code self} of every task: a channel between two
 * subtasks {@code self} stays an in-memory queue; any other channel goes through the
 * {@link DataPlane} to the worker running the other end.
 *
 * <p>Both workers of a remote channel must agree on its id without talking: the id is derived from
 * the edge's position in the job graph (every worker builds the same graph) and the two subtask
 * indexes.
 */
public final class RemoteChannelFactory implements ChannelFactory {

    private final DataPlane dataPlane;
    private final int self;
    private final int parallelism;
    private final int capacity;
    private final Map<String, Integer> edgeIndexes = new HashMap<>();
    private final Map<String, TypeSerializer<Object>> serializers = new HashMap<>();
    private final Map<String, ChannelQueue> localQueues = new ConcurrentHashMap<>();
    private final List<ChannelQueue> remoteInputs = new CopyOnWriteArrayList<>();

    /** @param capacity batches a channel holds before its producer blocks (credits of a remote channel) */
    public RemoteChannelFactory(DataPlane dataPlane, int self, JobGraph graph, int parallelism, int capacity) {
        this(dataPlane, self, graph, parallelism, capacity, RemoteChannelFactory.class.getClassLoader());
    }

    /**
     * @param userCode where records sent with Java serialization (streams without a declared
     *     serializer) find their classes: the job's user-code class loader
     */
    public RemoteChannelFactory(DataPlane dataPlane, int self, JobGraph graph, int parallelism, int capacity,
                                ClassLoader userCode) {
        this.dataPlane = dataPlane;
        this.self = self;
        this.parallelism = parallelism;
        this.capacity = capacity;
        List<JobGraph.JobEdge> edges = graph.edges();
        for (int i = 0; i < edges.size(); i++) {
            JobGraph.JobEdge edge = edges.get(i);
            edgeIndexes.put(edge.id(), i);
            serializers.put(edge.id(), RecordSerializers.forEdge(edge, userCode));
        }
    }

    @Override
    public OutputChannel outputChannel(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask) {
        requireLocal("producer", producerSubtask);
        if (consumerSubtask == self) {
            return localQueue(edge, producerSubtask, consumerSubtask);
        }
        return dataPlane.outputChannel(channelId(edge, producerSubtask, consumerSubtask), consumerSubtask,
                serializers.get(edge.id()));
    }

    @Override
    public ChannelQueue inputChannel(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask) {
        requireLocal("consumer", consumerSubtask);
        if (producerSubtask == self) {
            return localQueue(edge, producerSubtask, consumerSubtask);
        }
        ChannelQueue queue = dataPlane.inputChannel(channelId(edge, producerSubtask, consumerSubtask), producerSubtask,
                serializers.get(edge.id()), capacity);
        remoteInputs.add(queue);
        return queue;
    }

    /** Remote producers blocked on credit are released by interrupting their tasks, or by closing the data plane. */
    @Override
    public void closeAll() {
        localQueues.values().forEach(ChannelQueue::close);
        remoteInputs.forEach(ChannelQueue::close);
    }

    /** Unique per (edge, producer, consumer) for a given parallelism; equal on every worker. */
    int channelId(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask) {
        Integer edgeIndex = edgeIndexes.get(edge.id());
        if (edgeIndex == null) {
            throw new IllegalArgumentException("edge " + edge.id() + " is not in this worker's job graph");
        }
        return Math.addExact(Math.multiplyExact(
                Math.addExact(Math.multiplyExact(edgeIndex, parallelism), producerSubtask), parallelism), consumerSubtask);
    }

    private ChannelQueue localQueue(JobGraph.JobEdge edge, int producer, int consumer) {
        return localQueues.computeIfAbsent(edge.id() + "/" + producer + "/" + consumer, k -> new ChannelQueue(capacity));
    }

    private void requireLocal(String end, int subtask) {
        if (subtask != self) {
            throw new IllegalArgumentException("worker " + self + " does not run " + end + " subtask " + subtask);
        }
    }
}
