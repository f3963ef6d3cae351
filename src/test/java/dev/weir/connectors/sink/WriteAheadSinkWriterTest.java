package dev.weir.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.Types;

class WriteAheadSinkWriterTest {

    /** A target whose commit table is written with the data, as a database transaction would. */
    private static final class Target implements CheckpointCommitter {
        final List<String> rows = new ArrayList<>();
        final Set<String> committed = new HashSet<>();
        boolean available = true;

        @Override
        public boolean isCommitted(int subtask, long checkpointId) {
            return committed.contains(subtask + "/" + checkpointId);
        }

        @Override
        public void commit(int subtask, long checkpointId) {
            committed.add(subtask + "/" + checkpointId);
        }
    }

    private static final class Writer extends WriteAheadSinkWriter<String> {
        final Target target;

        Writer(SinkContext context, Target target) throws Exception {
            super(context, Types.STRING, target);
            this.target = target;
            initializeState();
        }

        @Override
        protected boolean sendValues(List<String> values, int subtask, long checkpointId) {
            if (!target.available) {
                return false;
            }
            target.rows.addAll(values);
            return true;
        }
    }

    private static SinkContext context(int subtask, int parallelism, List<byte[]> states) {
        return new SinkContext("job", subtask, parallelism, 0, new OperatorStateRestore(subtask, parallelism, states));
    }

    @Test
    void aFailedSendStaysPendingUntilTheNextCompletion() throws Exception {
        Target target = new Target();
        Writer writer = new Writer(context(0, 1, List.of()), target);
        writer.write("a");
        writer.snapshotState(1);
        target.available = false;
        writer.notifyCheckpointComplete(1);
        assertThat(target.rows).isEmpty();
        target.available = true;
        writer.write("b");
        writer.snapshotState(2);
        writer.notifyCheckpointComplete(2);
        assertThat(target.rows).containsExactly("a", "b");
    }

    @Test
    void restoredBatchesKeepTheirOriginalSubtaskAcrossARescale() throws Exception {
        Target target = new Target();
        Writer first = new Writer(context(0, 2, List.of()), target);
        Writer second = new Writer(context(1, 2, List.of()), target);
        first.write("a");
        second.write("b");
        List<byte[]> states = List.of(first.snapshotState(1), second.snapshotState(1));
        second.notifyCheckpointComplete(1); // only subtask 1 heard of the completion
        new Writer(context(0, 1, states), target);
        assertThat(target.rows).containsExactlyInAnyOrder("a", "b");
        assertThat(target.committed).containsExactlyInAnyOrder("0/1", "1/1");
    }

    @Test
    void recordsAfterTheLastBarrierAreNotSent() throws Exception {
        Target target = new Target();
        Writer writer = new Writer(context(0, 1, List.of()), target);
        writer.write("a");
        writer.snapshotState(1);
        writer.write("after");
        writer.notifyCheckpointComplete(1);
        writer.close();
        assertThat(target.rows).containsExactly("a");
    }
}
