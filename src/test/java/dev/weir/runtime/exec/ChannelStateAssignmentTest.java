package dev.weir.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.checkpoint.ChannelStateHandle;
import dev.weir.runtime.checkpoint.StateHandle;
import dev.weir.runtime.dataflow.Partitioning;
import dev.weir.runtime.state.serialization.Types;

class ChannelStateAssignmentTest {

    private static final Partitioning KEY_BY = new Partitioning.KeyBy<Long, Long>(v -> v, Types.LONG);
    private static final Partitioning REBALANCE = new Partitioning.Rebalance();

    /** Every channel of a 2 × 2 edge with input and output state, in stream order. */
    private static List<ChannelStateHandle> edge() {
        List<ChannelStateHandle> handles = new ArrayList<>();
        for (int producer = 0; producer < 2; producer++) {
            for (int consumer = 0; consumer < 2; consumer++) {
                for (ChannelStateHandle.Kind kind : ChannelStateHandle.Kind.values()) {
                    handles.add(new ChannelStateHandle("a->b", producer, consumer, kind, 1,
                            new StateHandle("k", 0, 8)));
                }
            }
        }
        handles.sort(ChannelStateHandle.STREAM_ORDER);
        return handles;
    }

    @Test
    void atTheSameParallelismEachConsumerGetsItsOwnChannelsInputBeforeOutput() {
        List<ChannelStateHandle> mine = ChannelStateAssignment.forSubtask(edge(), 2, 2, 1, KEY_BY);
        assertThat(mine).extracting(h -> h.producer() + "->" + h.consumer() + " " + h.kind())
                .containsExactly("0->1 INPUT", "0->1 OUTPUT", "1->1 INPUT", "1->1 OUTPUT");
        assertThat(ChannelStateAssignment.byKeyGroup(2, 2, KEY_BY)).isFalse();
    }

    @Test
    void afterRescalingAKeyedEdgeEverySubtaskReadsAllAndKeepsItsKeyGroups() {
        for (int subtask = 0; subtask < 3; subtask++) {
            assertThat(ChannelStateAssignment.forSubtask(edge(), 2, 3, subtask, KEY_BY)).isEqualTo(edge());
        }
        assertThat(ChannelStateAssignment.byKeyGroup(2, 3, KEY_BY)).isTrue();
    }

    @Test
    void afterRescalingARebalancedEdgeEachOldConsumersChannelsGoWholeToOneSubtask() {
        List<ChannelStateHandle> first = ChannelStateAssignment.forSubtask(edge(), 2, 1, 0, REBALANCE);
        assertThat(first).isEqualTo(edge());
        List<ChannelStateHandle> zero = ChannelStateAssignment.forSubtask(edge(), 2, 3, 0, REBALANCE);
        List<ChannelStateHandle> one = ChannelStateAssignment.forSubtask(edge(), 2, 3, 1, REBALANCE);
        List<ChannelStateHandle> two = ChannelStateAssignment.forSubtask(edge(), 2, 3, 2, REBALANCE);
        assertThat(zero).allMatch(h -> h.consumer() == 0).hasSize(4);
        assertThat(one).allMatch(h -> h.consumer() == 1).hasSize(4);
        assertThat(two).isEmpty();
        assertThat(ChannelStateAssignment.byKeyGroup(2, 3, REBALANCE)).isFalse();
    }
}
