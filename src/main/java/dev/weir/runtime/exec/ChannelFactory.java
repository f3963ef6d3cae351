package dev.weir.runtime.exec;

import dev.weir.runtime.network.ChannelQueue;
import dev.weir.runtime.network.OutputChannel;

/**
 * Creates the channels of network edges. In one process both ends of a channel are the same
 * queue; across processes the producer writes to a connection and the consumer reads a queue
 * the connection fills.
 */
public interface ChannelFactory {

    OutputChannel outputChannel(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask);

    ChannelQueue inputChannel(JobGraph.JobEdge edge, int producerSubtask, int consumerSubtask);

    /** Releases blocked producers and consumers when the attempt ends. */
    void closeAll();
}
