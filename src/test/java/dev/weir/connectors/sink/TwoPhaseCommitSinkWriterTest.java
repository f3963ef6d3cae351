package dev.weir.connectors.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

class TwoPhaseCommitSinkWriterTest {

    /** Transactions are numbered strings; every protocol step is logged. */
    private static class Recording extends TwoPhaseCommitSinkWriter<String, String> {
        final List<String> log;
        private int next;
        Set<String> lingeringSeen;

        Recording(SinkContext context, List<String> log) throws Exception {
            super(context);
            this.log = log;
            initializeState();
        }

        @Override
        protected String beginTransaction() {
            String txn = "t" + context.subtask() + "." + context.attempt() + "." + next++;
            log.add("begin " + txn);
            return txn;
        }

        @Override
        protected void write(String transaction, String record) {
            log.add("write " + transaction + " " + record);
        }

        @Override
        protected void preCommit(String transaction) {
            log.add("preCommit " + transaction);
        }

        @Override
        protected void commit(String transaction) {
            log.add("commit " + transaction);
        }

        @Override
        protected void abort(String transaction) {
            log.add("abort " + transaction);
        }

        @Override
        protected TypeSerializer<String> transactionSerializer() {
            return Types.STRING;
        }

        @Override
        protected void abortLingeringTransactions(OperatorStateRestore restore, Set<String> restored) {
            lingeringSeen = restored;
        }
    }

    /** Keeps each transaction under a name that shows the checkpoint whose barrier closed it. */
    private static final class Naming extends Recording {
        Naming(SinkContext context, List<String> log) throws Exception {
            super(context, log);
        }

        @Override
        protected String committable(String transaction, long checkpointId) {
            return transaction + "@chk" + checkpointId;
        }
    }

    private static SinkContext context(int subtask, int parallelism, long attempt, List<byte[]> states) {
        return new SinkContext("job", subtask, parallelism, attempt, new OperatorStateRestore(subtask, parallelism, states));
    }

    @Test
    void beginsLazilySoBarriersWithoutRecordsCostNothing() throws Exception {
        List<String> log = new ArrayList<>();
        Recording writer = new Recording(context(0, 1, 0, List.of()), log);
        writer.snapshotState(1);
        writer.notifyCheckpointComplete(1);
        assertThat(log).isEmpty();
    }

    @Test
    void commitsEverythingPendingUpToTheNotifiedIdInOrder() throws Exception {
        List<String> log = new ArrayList<>();
        Recording writer = new Recording(context(0, 1, 0, List.of()), log);
        writer.write("a");
        writer.snapshotState(1);
        writer.write("b");
        writer.snapshotState(2);
        writer.notifyCheckpointAborted(2);
        writer.write("c");
        writer.snapshotState(3);
        log.clear();
        writer.notifyCheckpointComplete(2);
        assertThat(log).containsExactly("commit t0.0.0", "commit t0.0.1");
        writer.notifyCheckpointComplete(2);
        writer.notifyCheckpointComplete(3);
        assertThat(log).containsExactly("commit t0.0.0", "commit t0.0.1", "commit t0.0.2");
        assertThat(writer.pendingCount()).isZero();
    }

    @Test
    void closeAbortsOnlyTheOpenTransaction() throws Exception {
        List<String> log = new ArrayList<>();
        Recording writer = new Recording(context(0, 1, 0, List.of()), log);
        writer.write("a");
        writer.snapshotState(1);
        writer.write("b");
        log.clear();
        writer.close();
        assertThat(log).containsExactly("abort t0.0.1");
    }

    @Test
    void restoreCommitsAssignedTransactionsAgainAndReportsThem() throws Exception {
        List<String> log = new ArrayList<>();
        List<byte[]> states = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Recording old = new Recording(context(s, 3, 0, List.of()), log);
            old.write("x");
            old.snapshotState(1);
            old.write("y");
            states.add(old.snapshotState(2));
        }
        log.clear();
        Recording restored = new Recording(context(0, 2, 1, states), log);
        // New subtask 0 of 2 owns old subtasks 0 and 2; checkpoint 1's transactions come first.
        assertThat(log).containsExactly("commit t0.0.0", "commit t2.0.0", "commit t0.0.1", "commit t2.0.1");
        assertThat(restored.lingeringSeen).containsExactlyInAnyOrder("t0.0.0", "t2.0.0", "t0.0.1", "t2.0.1");
        assertThat(restored.pendingCount()).isZero();
    }

    @Test
    void keepsAndCommitsTheCommittableNamedAtTheBarrier() throws Exception {
        List<String> log = new ArrayList<>();
        Naming writer = new Naming(context(0, 1, 0, List.of()), log);
        writer.write("a");
        byte[] state = writer.snapshotState(4);
        writer.write("b");
        writer.snapshotState(6);
        writer.notifyCheckpointComplete(6);
        assertThat(log).containsSubsequence("preCommit t0.0.0", "preCommit t0.0.1", "commit t0.0.0@chk4", "commit t0.0.1@chk6");

        log.clear();
        Naming restored = new Naming(context(0, 1, 1, List.of(state)), log);
        assertThat(log).containsExactly("commit t0.0.0@chk4");
        assertThat(restored.lingeringSeen).containsExactly("t0.0.0@chk4");
    }

    @Test
    void knowsTheLastBarrierAndBeforeItTheRestoredCheckpoint() throws Exception {
        List<String> log = new ArrayList<>();
        Recording fresh = new Recording(context(0, 1, 0, List.of()), log);
        assertThat(fresh.lastCheckpointId()).isEqualTo(OperatorStateRestore.NO_CHECKPOINT);
        fresh.snapshotState(3);
        assertThat(fresh.lastCheckpointId()).isEqualTo(3);

        // A subtask added by a rescale restores no state of its own, but still knows the checkpoint.
        Recording added = new Recording(new SinkContext("job", 1, 2, 1,
                new OperatorStateRestore(1, 2, 3, List.of(fresh.snapshotState(3)))), log);
        assertThat(added.lastCheckpointId()).isEqualTo(3);
        added.write("x");
        added.snapshotState(5);
        assertThat(added.lastCheckpointId()).isEqualTo(5);
    }
}
