package dev.weir.runtime.exec;

import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.dataflow.functions.KeySelector;
import dev.weir.runtime.network.ChannelSelector;
import dev.weir.runtime.state.KeyGroupAssignment;

/** Channel selection for each kind of partitioned edge. */
final class ChannelSelectors {

    private ChannelSelectors() {}

    /** @param producerSubtask the subtask writing: a forward edge sends to the consumer of the same index */
    static ChannelSelector forPartitioning(Partitioning partitioning, int channels, int maxParallelism,
                                           int producerSubtask) {
        if (partitioning instanceof Partitioning.Forward) {
            return record -> producerSubtask;
        }
        if (partitioning instanceof Partitioning.KeyBy<?, ?> keyBy) {
            return new KeyGroupSelector(keyBy, channels, maxParallelism);
        }
        if (partitioning instanceof Partitioning.Rebalance) {
            return new RoundRobinSelector(channels);
        }
        throw new IllegalArgumentException("no channel selection for " + partitioning);
    }

    static final class KeyGroupSelector implements ChannelSelector {
        private final KeySelector<Object, Object> keySelector;
        private final int channels;
        private final int maxParallelism;

        @SuppressWarnings("unchecked")
        KeyGroupSelector(Partitioning.KeyBy<?, ?> keyBy, int channels, int maxParallelism) {
            this.keySelector = (KeySelector<Object, Object>) keyBy.keySelector();
            this.channels = channels;
            this.maxParallelism = maxParallelism;
        }

        @Override
        public int selectChannel(Object record) {
            Object key;
            try {
                key = keySelector.getKey(record);
            } catch (Exception e) {
                throw new IllegalStateException("key selector failed: " + e, e);
            }
            int keyGroup = KeyGroupAssignment.keyGroupFor(key, maxParallelism);
            return KeyGroupAssignment.subtaskFor(keyGroup, maxParallelism, channels);
        }
    }

    static final class RoundRobinSelector implements ChannelSelector {
        private final int channels;
        private int next;

        RoundRobinSelector(int channels) {
            this.channels = channels;
        }

        @Override
        public int selectChannel(Object record) {
            int channel = next;
            next = next + 1 == channels ? 0 : next + 1;
            return channel;
        }
    }
}
