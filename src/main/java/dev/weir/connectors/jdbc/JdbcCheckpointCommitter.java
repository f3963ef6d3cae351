package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.connectors.sink.CheckpointCommitter;

/**
 * Commit records of {@link JdbcWriteAheadSink} in the table {@value #TABLE}: one row per
 * (job, sink, subtask, checkpoint id) whose batch is in the target table.
 *
 * <p>The same-transaction requirement is met by sharing one connection with autocommit off with
 * the writer: its {@code sendValues} only inserts the batch into the open transaction, and
 * {@link #commit} adds the commit row to that same transaction and then commits the database
 * transaction. Batch and commit row become visible together or not at all; a crash in between
 * leaves neither, and the restored writer sends the batch again. Two writers racing on one batch
 * (a zombie of an earlier attempt) collide on the primary key, so only one of them commits.
 */
public class JdbcCheckpointCommitter implements CheckpointCommitter {

    public static final String TABLE = "weir_checkpoint_commits";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcCheckpointCommitter.class);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DUPLICATE_TABLE = "42P07";

    private final Connection connection;
    private final String job;
    private final String sink;

    /** {@code connection} must have autocommit off; this committer ends its transactions. */
    public JdbcCheckpointCommitter(Connection connection, String job, String sink) {
        this.connection = connection;
        this.job = job;
        this.sink = sink;
    }

    /** Creates the commit table if missing; needs a connection in autocommit mode. */
    static void createTableIfMissing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "job text NOT NULL, sink text NOT NULL, subtask integer NOT NULL, checkpoint_id bigint NOT NULL, "
                    + "committed_at timestamptz NOT NULL DEFAULT now(), "
                    + "PRIMARY KEY (job, sink, subtask, checkpoint_id))");
        } catch (SQLException e) {
            // Subtasks starting together race on IF NOT EXISTS; the loser sees the winner's table.
            if (!UNIQUE_VIOLATION.equals(e.getSQLState()) && !DUPLICATE_TABLE.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    @Override
    public boolean isCommitted(int subtask, long checkpointId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM " + TABLE + " WHERE job = ? AND sink = ? AND subtask = ? AND checkpoint_id = ?")) {
            bind(query, subtask, checkpointId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        } finally {
            // Ends the read's transaction, so the connection does not sit idle in a transaction
            // (servers may kill such sessions); no batch rows are pending at this point.
            connection.rollback();
        }
    }

    /** Adds the commit row to the open transaction (which holds the batch) and commits both. */
    @Override
    public void commit(int subtask, long checkpointId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (job, sink, subtask, checkpoint_id) VALUES (?, ?, ?, ?)")) {
            bind(insert, subtask, checkpointId);
            insert.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                // Another writer committed this very batch in the meantime; ours is rolled back.
                LOG.warn("{} {}: batch {} of subtask {} was committed concurrently by another writer; dropped this copy",
                        job, sink, checkpointId, subtask);
                return;
            }
            throw e;
        }
    }

    private void bind(PreparedStatement statement, int subtask, long checkpointId) throws SQLException {
        statement.setString(1, job);
        statement.setString(2, sink);
        statement.setInt(3, subtask);
        statement.setLong(4, checkpointId);
    }
}
