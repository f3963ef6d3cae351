package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import dev.weir.connectors.sink.CheckpointCommitter;
import dev.weir.connectors.sink.WriteAheadSinkWriter;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * One subtask of {@link JdbcWriteAheadSink}. {@link #sendValues} inserts the batch into the
 * connection's open transaction without committing; the {@link CheckpointCommitter} on the same
 * connection adds the commit row and commits (see {@link JdbcCheckpointCommitter}).
 */
final class JdbcWriteAheadWriter<T> extends WriteAheadSinkWriter<T> {

    private final Connection connection;
    private final JdbcConnectionSettings settings;
    private final String connector;
    private final TableSpec<T> table;
    private final String insertSql;

    JdbcWriteAheadWriter(SinkContext context, TypeSerializer<T> serializer, Connection connection,
                         CheckpointCommitter committer, JdbcConnectionSettings settings, String connector,
                         TableSpec<T> table) {
        super(context, serializer, committer);
        this.connection = connection;
        this.settings = settings;
        this.connector = connector;
        this.table = table;
        this.insertSql = table.insertSql();
    }

    @Override
    protected boolean sendValues(List<T> values, int subtask, long checkpointId) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            for (T value : values) {
                table.addBatch(insert, value);
            }
            insert.executeBatch();
            return true;
        } catch (SQLException e) {
            // Nothing of the batch may stay in the transaction the next batch would commit.
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw settings.failure(connector + ": writing batch " + checkpointId + " of subtask " + subtask + " failed",
                    e.getNextException() != null ? e.getNextException() : e);
        }
    }

    @Override
    public void close() throws Exception {
        // An uncommitted batch is rolled back with the connection; it is still in the state.
        connection.close();
    }
}
