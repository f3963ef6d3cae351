package dev.weir.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.testing.EmbeddedPostgres;
import dev.weir.testkit.SinkTestHarness;

class JdbcTwoPhaseCommitSinkIT {

    private static TestTables db;

    @BeforeAll
    static void database() {
        db = new TestTables(EmbeddedPostgres.shared().createDatabase("twophase"));
    }

    /** No key on the table: a transaction committed twice would show up as duplicate rows. */
    private JdbcTwoPhaseCommitSink<String> sink(String table, int maxBatchSize, ConnectionOpener opener) throws Exception {
        db.execute("CREATE TABLE " + table + " (id bigint NOT NULL, payload text NOT NULL)");
        return new JdbcTwoPhaseCommitSink<>(db.settings(), table, table, List.of("id", "payload"), JdbcUpsertSinkIT.ROW,
                maxBatchSize, opener);
    }

    private static List<String> input(int n) {
        return IntStream.range(0, n).mapToObj(i -> i + ":p" + i).toList();
    }

    private static List<String> expected(int n) {
        return IntStream.range(0, n).mapToObj(i -> i + "=p" + i).toList();
    }

    @Test
    void commitsEveryRecordExactlyOnceWithRestoreAfterEveryItem() throws Exception {
        for (long seed = 0; seed < 2; seed++) {
            String table = "tpc_run_" + seed;
            CrashableConnections connections = new CrashableConnections();
            SinkTestHarness.runWithRestoreAfterEveryItem(
                    connections.crashingEarlierAttempts(sink(table, 2, connections)), input(50), seed, 2);
            connections.dropAll();
            assertThat(db.rows("SELECT id, payload FROM " + table + " ORDER BY id")).containsExactlyElementsOf(expected(50));
            assertThat(db.preparedTransactions(table)).isEmpty();
        }
    }

    @Test
    void commitsEveryRecordExactlyOnceWhileRescaling() throws Exception {
        for (long seed = 0; seed < 2; seed++) {
            String table = "tpc_rescale_" + seed;
            CrashableConnections connections = new CrashableConnections();
            SinkTestHarness.runWithRestoreAfterEveryItem(
                    connections.crashingEarlierAttempts(sink(table, 500, connections)), input(50), seed, 3, 1, 2, 4);
            connections.dropAll();
            assertThat(db.rows("SELECT id, payload FROM " + table + " ORDER BY id")).containsExactlyElementsOf(expected(50));
            assertThat(db.preparedTransactions(table)).isEmpty();
        }
    }

    @Test
    void nothingIsVisibleBeforeTheCheckpointCompletes() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink("tpc_visible", 500, ConnectionOpener.DIRECT), 1, 0);
        harness.write(0, "1:a");
        assertThat(db.rows("SELECT id FROM tpc_visible")).isEmpty();
        long first = harness.snapshot();
        assertThat(db.rows("SELECT id FROM tpc_visible")).isEmpty();
        assertThat(db.preparedTransactions("tpc_visible")).containsExactly("weir-test-tpc_visible-0-0-0");
        harness.complete(first, false); // lost notification
        harness.write(0, "2:b");
        long second = harness.snapshot();
        assertThat(db.rows("SELECT id FROM tpc_visible")).isEmpty();
        harness.complete(second, true); // covers the first one too
        assertThat(db.rows("SELECT id, payload FROM tpc_visible ORDER BY id")).containsExactly("1=a", "2=b");
        assertThat(db.preparedTransactions("tpc_visible")).isEmpty();
        harness.notifyComplete(second); // committing again is harmless
        harness.finish();
        assertThat(db.rows("SELECT id, payload FROM tpc_visible ORDER BY id")).containsExactly("1=a", "2=b");
    }

    @Test
    void recoveryCommitsAfterACrashBetweenSnapshotAndNotification() throws Exception {
        CrashableConnections connections = new CrashableConnections();
        SinkTestHarness<String> harness = new SinkTestHarness<>(
                connections.crashingEarlierAttempts(sink("tpc_recover", 500, connections)), 2, 0);
        harness.write(0, "1:a");
        harness.write(1, "2:b");
        harness.complete(harness.snapshot(), false);
        harness.restore(2, false);
        assertThat(db.rows("SELECT id, payload FROM tpc_recover ORDER BY id")).containsExactly("1=a", "2=b");
        harness.restore(2, false); // the same checkpoint again: its gids are gone, treated as committed
        harness.finish();
        connections.dropAll();
        assertThat(db.rows("SELECT id, payload FROM tpc_recover ORDER BY id")).containsExactly("1=a", "2=b");
    }

    @Test
    void rollsBackPreparedTransactionsOfACrashedAttempt() throws Exception {
        CrashableConnections connections = new CrashableConnections();
        SinkTestHarness<String> harness = new SinkTestHarness<>(
                connections.crashingEarlierAttempts(sink("tpc_crash", 500, connections)), 3, 0);
        harness.write(0, "1:kept");
        harness.complete(harness.snapshot(), true);
        harness.write(0, "2:prepared-but-failed");
        harness.write(2, "3:prepared-but-failed");
        harness.snapshot(); // never completes
        harness.write(1, "4:open");
        assertThat(db.preparedTransactions("tpc_crash")).hasSize(2);
        harness.restore(2, false); // crash; old subtask 2's transaction now belongs to new subtask 0
        assertThat(db.preparedTransactions("tpc_crash")).isEmpty();
        assertThat(db.rows("SELECT id, payload FROM tpc_crash")).containsExactly("1=kept");
        harness.finish();
        connections.dropAll();
        assertThat(db.rows("SELECT id, payload FROM tpc_crash")).containsExactly("1=kept");
    }

    @Test
    void leavesOtherSinksPreparedTransactionsAlone() throws Exception {
        CrashableConnections connections = new CrashableConnections();
        SinkTestHarness<String> other = new SinkTestHarness<>(sink("tpc_other", 500, ConnectionOpener.DIRECT), 1, 0);
        other.write(0, "1:other");
        other.snapshot();
        SinkTestHarness<String> harness = new SinkTestHarness<>(
                connections.crashingEarlierAttempts(sink("tpc_mine", 500, connections)), 1, 0);
        harness.restore(1, false);
        harness.finish();
        connections.dropAll();
        assertThat(db.preparedTransactions("tpc_other")).hasSize(1);
        other.finish();
        assertThat(db.preparedTransactions("tpc_other")).isEmpty();
        assertThat(db.rows("SELECT id FROM tpc_other")).containsExactly("1");
    }

    @Test
    void attemptNumbersRestartingWithTheProcessNeverReuseAGid() throws Exception {
        CrashableConnections connections = new CrashableConnections();
        JdbcTwoPhaseCommitSink<String> sink = sink("tpc_reuse", 500, connections);
        SinkWriter<String> before = sink.createWriter(new SinkContext("test", 0, 1, 5, OperatorStateRestore.empty(0, 1)));
        before.write("1:a");
        byte[] state = before.snapshotState(1); // checkpoint 1 completes, the notification is lost
        before.write("2:lingering");
        before.snapshotState(2); // never completes
        assertThat(db.preparedTransactions("tpc_reuse")).containsExactlyInAnyOrder(
                "weir-test-tpc_reuse-0-5-0", "weir-test-tpc_reuse-0-5-1");
        connections.dropAll(); // the process is killed; the new one counts attempts from 1 again

        SinkWriter<String> after = sink.createWriter(
                new SinkContext("test", 0, 1, 1, new OperatorStateRestore(0, 1, List.of(state))));
        assertThat(db.preparedTransactions("tpc_reuse")).isEmpty();
        assertThat(db.rows("SELECT id FROM tpc_reuse")).containsExactly("1");
        after.write("2:b");
        after.snapshotState(2);
        assertThat(db.preparedTransactions("tpc_reuse")).containsExactly("weir-test-tpc_reuse-0-6-0");
        after.notifyCheckpointComplete(2);
        after.close();
        connections.dropAll();
        assertThat(db.rows("SELECT id, payload FROM tpc_reuse ORDER BY id")).containsExactly("1=a", "2=b");
    }
}
