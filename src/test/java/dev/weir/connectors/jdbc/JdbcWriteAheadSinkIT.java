package dev.weir.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.state.serialization.Types;
import dev.weir.testing.EmbeddedPostgres;
import dev.weir.testkit.SinkTestHarness;

class JdbcWriteAheadSinkIT {

    private static TestTables db;

    @BeforeAll
    static void database() {
        db = new TestTables(EmbeddedPostgres.shared().createDatabase("wal"));
    }

    /** No key on the table: a batch written twice would show up as duplicate rows. */
    private JdbcWriteAheadSink<String> sink(String table, ConnectionOpener opener) throws Exception {
        db.execute("CREATE TABLE " + table + " (id bigint NOT NULL, payload text NOT NULL)");
        return new JdbcWriteAheadSink<>(db.settings(), table, table, List.of("id", "payload"), JdbcUpsertSinkIT.ROW,
                Types.STRING, opener);
    }

    private static List<String> input(int n) {
        return IntStream.range(0, n).mapToObj(i -> i + ":p" + i).toList();
    }

    private static List<String> expected(int n) {
        return IntStream.range(0, n).mapToObj(i -> i + "=p" + i).toList();
    }

    @Test
    void writesEveryRecordExactlyOnceWithRestoreAfterEveryItemAndRescaling() throws Exception {
        for (long seed = 0; seed < 2; seed++) {
            String table = "wal_run_" + seed;
            CrashableConnections connections = new CrashableConnections();
            SinkTestHarness.runWithRestoreAfterEveryItem(
                    connections.crashingEarlierAttempts(sink(table, connections)), input(60), seed, 2, 3, 1);
            connections.dropAll();
            assertThat(db.rows("SELECT id, payload FROM " + table + " ORDER BY id")).containsExactlyElementsOf(expected(60));
        }
    }

    @Test
    void nothingIsWrittenBeforeTheCheckpointCompletesAndALostNotificationIsCovered() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink("wal_late", ConnectionOpener.DIRECT), 1, 0);
        harness.write(0, "1:a");
        harness.complete(harness.snapshot(), false);
        harness.write(0, "2:b");
        long second = harness.snapshot();
        assertThat(db.rows("SELECT id FROM wal_late")).isEmpty();
        harness.complete(second, true);
        assertThat(db.rows("SELECT id, payload FROM wal_late ORDER BY id")).containsExactly("1=a", "2=b");
        assertThat(db.rows("SELECT subtask, checkpoint_id FROM weir_checkpoint_commits WHERE sink = 'wal_late' ORDER BY 2"))
                .containsExactly("0=1", "0=2");
        harness.finish();
    }

    @Test
    void batchAndCommitRowAreOneTransactionSoACrashBetweenThemLeavesNeither() throws Exception {
        JdbcWriteAheadSink<String> sink = sink("wal_crash", ConnectionOpener.DIRECT);
        TableSpec<String> table = new TableSpec<>("wal_crash", List.of("id", "payload"), JdbcUpsertSinkIT.ROW);
        Connection connection = db.settings().connect("test");
        connection.setAutoCommit(false);
        JdbcCheckpointCommitter killedBeforeCommit = new JdbcCheckpointCommitter(connection, "test", "wal_crash") {
            @Override
            public void commit(int subtask, long checkpointId) {
                throw new IllegalStateException("killed after sendValues, before the commit");
            }
        };
        JdbcWriteAheadWriter<String> writer = new JdbcWriteAheadWriter<>(
                new SinkContext("test", 0, 1, 0, OperatorStateRestore.empty(0, 1)), Types.STRING, connection,
                killedBeforeCommit, db.settings(), "test", table);
        writer.initializeState();
        writer.write("1:a");
        writer.write("2:b");
        byte[] state = writer.snapshotState(1);
        assertThatThrownBy(() -> writer.notifyCheckpointComplete(1)).hasMessageContaining("killed");
        connection.close(); // the process dies: the server rolls back the sent batch

        assertThat(db.rows("SELECT id FROM wal_crash")).isEmpty();
        assertThat(db.rows("SELECT 1 FROM weir_checkpoint_commits WHERE sink = 'wal_crash'")).isEmpty();

        OperatorStateRestore restore = new OperatorStateRestore(0, 1, List.of(state));
        sink.createWriter(new SinkContext("test", 0, 1, 1, restore)).close();
        assertThat(db.rows("SELECT id, payload FROM wal_crash ORDER BY id")).containsExactly("1=a", "2=b");
        sink.createWriter(new SinkContext("test", 0, 1, 2, restore)).close(); // the same checkpoint again
        assertThat(db.rows("SELECT id, payload FROM wal_crash ORDER BY id")).containsExactly("1=a", "2=b");
        assertThat(db.rows("SELECT subtask, checkpoint_id FROM weir_checkpoint_commits WHERE sink = 'wal_crash'"))
                .containsExactly("0=1");
    }

    @Test
    void restoredBatchesOfAllOldSubtasksAreWrittenOnceAfterScalingDown() throws Exception {
        SinkTestHarness<String> harness = new SinkTestHarness<>(sink("wal_down", ConnectionOpener.DIRECT), 3, 0);
        harness.write(0, "1:a");
        harness.write(1, "2:b");
        harness.write(2, "3:c");
        harness.complete(harness.snapshot(), false);
        harness.restore(1, true);
        harness.restore(1, true);
        harness.finish();
        assertThat(db.rows("SELECT id, payload FROM wal_down ORDER BY id")).containsExactly("1=a", "2=b", "3=c");
    }
}
