package dev.weir.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A deliberately at-least-once JDBC sink for negative controls: every {@code key,count,sum} line
 * is inserted and committed at once (autocommit), so what a restore replays is inserted again.
 * {@code output} is the example jobs' JDBC URL; only its {@code table} parameter is used.
 */
public final class DirectJdbcInsertSink implements Sink<String> {

    private final String url;
    private final String table;

    public DirectJdbcInsertSink(String output) {
        int query = output.indexOf('?');
        this.url = output.substring(0, query);
        this.table = output.substring(query + 1).replaceAll(".*table=([A-Za-z0-9_]+).*", "$1");
    }

    @Override
    public SinkWriter<String> createWriter(SinkContext context) throws Exception {
        Connection connection = DriverManager.getConnection(url, System.getenv("WEIR_JDBC_USER"),
                System.getenv("WEIR_JDBC_PASSWORD"));
        PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (key, count, sum) VALUES (?, ?, ?)");
        return new SinkWriter<>() {
            @Override
            public void write(String record) throws Exception {
                String[] parts = record.split(",");
                for (int i = 0; i < 3; i++) {
                    insert.setLong(i + 1, Long.parseLong(parts[i]));
                }
                insert.executeUpdate();
            }

            @Override
            public byte[] snapshotState(long checkpointId) {
                return null;
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }
}
