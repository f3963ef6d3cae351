package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import dev.weir.connectors.sink.IdempotentSinkWriter;
import dev.weir.runtime.dataflow.SinkContext;

/** One subtask of {@link JdbcUpsertSink}: one connection, one prepared upsert statement. */
final class JdbcUpsertWriter<T> extends IdempotentSinkWriter<T, List<Object>> {

    private final Connection connection;
    private final JdbcConnectionSettings settings;
    private final String connector;
    private final TableSpec<T> table;
    private final int[] keyIndexes;
    private final PreparedStatement upsert;

    JdbcUpsertWriter(SinkContext context, int maxBatchSize, Connection connection, JdbcConnectionSettings settings,
                     String connector, TableSpec<T> table, List<String> keyColumns, String upsertSql) throws SQLException {
        super(context, maxBatchSize);
        this.connection = connection;
        this.settings = settings;
        this.connector = connector;
        this.table = table;
        List<String> columns = table.columnNames();
        this.keyIndexes = keyColumns.stream().mapToInt(columns::indexOf).toArray();
        this.upsert = connection.prepareStatement(upsertSql);
    }

    /** The key columns' values: records with equal keys collapse to the last one in a batch. */
    @Override
    protected List<Object> key(T record) {
        Object[] row = table.row(record);
        Object[] key = new Object[keyIndexes.length];
        for (int i = 0; i < keyIndexes.length; i++) {
            key[i] = row[keyIndexes[i]];
        }
        return Arrays.asList(key);
    }

    /** One transaction per batch: a failed batch leaves nothing half-written, and the replay redoes it. */
    @Override
    protected void upsert(List<T> batch) throws Exception {
        try {
            for (T record : batch) {
                table.addBatch(upsert, record);
            }
            upsert.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            upsert.clearBatch();
            rollbackQuietly(e);
            throw settings.failure(connector + ": upsert of " + batch.size() + " rows failed",
                    e.getNextException() != null ? e.getNextException() : e);
        }
    }

    private void rollbackQuietly(SQLException failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void close() throws Exception {
        // Unflushed records are after the last barrier: the source replays them after a restore.
        connection.close();
    }
}
