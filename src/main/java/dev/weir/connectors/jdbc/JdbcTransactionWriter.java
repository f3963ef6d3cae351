package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.weir.connectors.sink.TwoPhaseCommitSinkWriter;
import dev.weir.runtime.dataflow.OperatorStateRestore;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.state.serialization.TypeSerializer;
import dev.weir.runtime.state.serialization.Types;

/**
 * One subtask of {@link JdbcTwoPhaseCommitSink}. A transaction is the data connection's open
 * database transaction (autocommit off), named by its gid; pre-commit prepares it under that gid,
 * which detaches it from the connection, so the same connection then begins the next one.
 *
 * <p>Commit is idempotent by treating "no prepared transaction with this gid" as "committed
 * before". The small ambiguity: a gid that someone else rolled back looks the same, and its rows
 * are then lost without an error. Within Weir only {@link #abortLingeringTransactions} rolls back
 * prepared transactions, and never one of the restored checkpoint.
 */
final class JdbcTransactionWriter<T> extends TwoPhaseCommitSinkWriter<T, String> {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTransactionWriter.class);
    private static final String UNDEFINED_OBJECT = "42704";

    private final Connection control;
    private final Connection data;
    private final TransactionIds ids;
    private final TableSpec<T> table;
    private final int maxBatchSize;
    private final JdbcConnectionSettings settings;
    private final String connector;
    private final PreparedStatement insert;
    private String open;
    private int batched;
    private long nextSequence;
    /** The attempt named in new gids; see {@link #abortLingeringTransactions}. */
    private long gidAttempt;

    JdbcTransactionWriter(SinkContext context, Connection control, Connection data, TransactionIds ids,
                          TableSpec<T> table, int maxBatchSize, JdbcConnectionSettings settings, String connector)
            throws SQLException {
        super(context);
        this.control = control;
        this.data = data;
        this.ids = ids;
        this.table = table;
        this.maxBatchSize = maxBatchSize;
        this.settings = settings;
        this.connector = connector;
        this.insert = data.prepareStatement(table.insertSql());
        this.gidAttempt = context.attempt();
    }

    @Override
    protected String beginTransaction() {
        // The database transaction itself begins with the first insert (autocommit off).
        open = ids.gid(context.subtask(), gidAttempt, nextSequence++);
        return open;
    }

    @Override
    protected void write(String gid, T record) throws Exception {
        try {
            table.addBatch(insert, record);
        } catch (SQLException e) {
            throw settings.failure(connector + ": cannot bind a row", e);
        }
        if (++batched >= maxBatchSize) {
            flushBatch(gid);
        }
    }

    @Override
    protected void preCommit(String gid) throws Exception {
        flushBatch(gid);
        try (Statement statement = data.createStatement()) {
            statement.execute("PREPARE TRANSACTION " + TransactionIds.literal(gid));
        } catch (SQLException e) {
            rollbackOpen(e);
            throw settings.failure(connector + ": PREPARE TRANSACTION " + gid + " failed", e);
        }
        open = null;
    }

    @Override
    protected void commit(String gid) throws Exception {
        if (!runPrepared("COMMIT PREPARED", gid)) {
            LOG.debug("{}: {} is no longer prepared; it was committed before", connector, gid);
        }
    }

    @Override
    protected void abort(String gid) throws Exception {
        if (gid.equals(open)) {
            insert.clearBatch();
            batched = 0;
            open = null;
            data.rollback();
        } else {
            runPrepared("ROLLBACK PREPARED", gid);
        }
    }

    @Override
    protected TypeSerializer<String> transactionSerializer() {
        return Types.STRING;
    }

    /**
     * Rolls back prepared transactions of this job and sink that the restored checkpoint does not
     * hold (their records will be replayed), for every old subtask index {@code j} with
     * {@code j % parallelism == subtask}: a prepared transaction is only ever in the state of the
     * subtask that prepared it, and that state comes to exactly this subtask, so no other subtask
     * can still need it. Also covers indexes above the restored parallelism. No attempt filter:
     * this subtask has prepared nothing yet, and the current attempt's other subtasks have other
     * indexes.
     *
     * <p>New gids then name an attempt above every restored or lingering one seen, because the
     * runtime's attempt counter restarts when its process does ({@code weir local --restore}): a
     * reused gid that is still in the restored state would be committed by a later restore of
     * that checkpoint before its own checkpoint completed.
     */
    @Override
    protected void abortLingeringTransactions(OperatorStateRestore restore, Set<String> restored) throws Exception {
        List<String> lingering = new ArrayList<>();
        try (Statement statement = control.createStatement();
             ResultSet gids = statement.executeQuery(
                     "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            while (gids.next()) {
                String gid = gids.getString(1);
                TransactionIds.Parsed parsed = ids.parse(gid);
                if (parsed != null && parsed.subtask() % context.parallelism() == context.subtask()) {
                    gidAttempt = Math.max(gidAttempt, parsed.attempt() + 1);
                    if (!restored.contains(gid)) {
                        lingering.add(gid);
                    }
                }
            }
        } catch (SQLException e) {
            throw settings.failure(connector + ": cannot list prepared transactions (pg_prepared_xacts)", e);
        }
        for (String gid : restored) {
            TransactionIds.Parsed parsed = ids.parse(gid);
            if (parsed != null) {
                gidAttempt = Math.max(gidAttempt, parsed.attempt() + 1);
            }
        }
        for (String gid : lingering) {
            runPrepared("ROLLBACK PREPARED", gid);
        }
        if (!lingering.isEmpty()) {
            LOG.info("{} subtask {}: rolled back {} prepared transactions of earlier attempts",
                    context.jobName(), context.subtask(), lingering.size());
        }
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            // Closing drops nothing prepared: prepared transactions outlive the session.
            insert.close();
            data.close();
            control.close();
        }
    }

    /** Runs COMMIT or ROLLBACK PREPARED; false when no transaction is prepared under {@code gid}. */
    private boolean runPrepared(String command, String gid) throws JdbcConnectorException {
        try (Statement statement = control.createStatement()) {
            statement.execute(command + " " + TransactionIds.literal(gid));
            return true;
        } catch (SQLException e) {
            if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            throw settings.failure(connector + ": " + command + " " + gid + " failed", e);
        }
    }

    private void flushBatch(String gid) throws JdbcConnectorException {
        if (batched == 0) {
            return;
        }
        try {
            insert.executeBatch();
            batched = 0;
        } catch (SQLException e) {
            rollbackOpen(e);
            throw settings.failure(connector + ": inserting into transaction " + gid + " failed",
                    e.getNextException() != null ? e.getNextException() : e);
        }
    }

    /** A failed statement poisons the open transaction; roll it back so the connection is usable. */
    private void rollbackOpen(SQLException failure) {
        try {
            insert.clearBatch();
            batched = 0;
            data.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
