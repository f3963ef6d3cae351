package dev.weir.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.testing.EmbeddedPostgres;
import dev.weir.testkit.SinkTestHarness;

class JdbcUpsertSinkIT {

    /** Records are "id:payload". */
    static final Function<String, Object[]> ROW = r -> new Object[] {Long.parseLong(r.substring(0, r.indexOf(':'))),
            r.substring(r.indexOf(':') + 1)};

    private static TestTables db;

    @BeforeAll
    static void database() {
        db = new TestTables(EmbeddedPostgres.shared().createDatabase("upsert"));
    }

    private JdbcUpsertSink<String> sink(String table, int maxBatchSize, ConnectionOpener opener) throws Exception {
        db.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, payload text NOT NULL)");
        return new JdbcUpsertSink<>(db.settings(), table, List.of("id", "payload"), List.of("id"), ROW, maxBatchSize, opener);
    }

    @Test
    void endsWithTheLastValuePerKeyWithRestoreAfterEveryItemAndRescaling() throws Exception {
        // 30 keys, each updated three times; the table must end with each key's last value.
        List<String> input = IntStream.range(0, 90).mapToObj(i -> (i % 30) + ":v" + i).toList();
        List<String> expected = IntStream.range(0, 30).mapToObj(k -> k + "=v" + (60 + k)).toList();
        for (long seed = 0; seed < 2; seed++) {
            String table = "upsert_run_" + seed;
            CrashableConnections connections = new CrashableConnections();
            SinkTestHarness<String> harness = SinkTestHarness.runWithRestoreAfterEveryItem(
                    connections.crashingEarlierAttempts(sink(table, 500, connections)), input, seed, 2, 3, 1);
            connections.dropAll();
            assertThat(harness.restores()).isGreaterThanOrEqualTo(input.size());
            assertThat(db.rows("SELECT id, payload FROM " + table + " ORDER BY id")).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void sendsAFullBatchBeforeTheBarrierAndTheRestAtTheBarrier() throws Exception {
        JdbcUpsertSink<String> sink = sink("upsert_batches", 2, ConnectionOpener.DIRECT);
        try (SinkWriter<String> writer = sink.createWriter(new SinkContext("test", 0, 1, 0, OperatorStateRestore.empty(0, 1)))) {
            writer.write("1:a");
            writer.write("1:b"); // same key: replaces "a" in the buffer, the batch still holds one row
            writer.write("2:c"); // second key: the batch is full and goes out
            assertThat(db.rows("SELECT id, payload FROM upsert_batches ORDER BY id")).containsExactly("1=b", "2=c");
            writer.write("3:d");
            assertThat(db.rows("SELECT count(*) FROM upsert_batches")).containsExactly("2");
            writer.snapshotState(1);
            assertThat(db.rows("SELECT id, payload FROM upsert_batches ORDER BY id")).containsExactly("1=b", "2=c", "3=d");
        }
    }

    @Test
    void generatesAnUpsertOnTheNamedKey() {
        JdbcUpsertSink<String> sink = new JdbcUpsertSink<>(db.settings(), "public.t", List.of("a", "b", "c"), List.of("a", "b"), ROW);
        assertThat(sink.upsertSql()).isEqualTo("INSERT INTO \"public\".\"t\" (\"a\", \"b\", \"c\") VALUES (?, ?, ?) "
                + "ON CONFLICT (\"a\", \"b\") DO UPDATE SET \"c\" = EXCLUDED.\"c\"");
    }
}
