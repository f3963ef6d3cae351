package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * A two-phase-commit PostgreSQL sink: each subtask inserts into an open database transaction; at
 * the barrier it runs {@code PREPARE TRANSACTION '<gid>'} (durable, invisible, survives crashes
 * and connection loss) and keeps the gid in its state; when the checkpoint completes it runs
 * {@code COMMIT PREPARED}. On restore the restored gids are committed again and this subtask's
 * other prepared transactions of earlier attempts are rolled back.
 *
 * <p>Needs {@code max_prepared_transactions > 0} on the server (checked at start). Prepared
 * transactions hold their locks and block VACUUM cleanup until committed, so a job should not stay
 * stopped with pending ones for long.
 */
public final class JdbcTwoPhaseCommitSink<T> implements Sink<T> {

    public static final int DEFAULT_MAX_BATCH_SIZE = 500;

    private final JdbcConnectionSettings settings;
    private final String sinkName;
    private final TableSpec<T> table;
    private final int maxBatchSize;
    private final ConnectionOpener opener;

    /**
     * @param sinkName distinguishes this sink's transaction ids from other sinks of the job
     * @param columns  the columns written, in the order {@code rowExtractor} returns values
     */
    public JdbcTwoPhaseCommitSink(JdbcConnectionSettings settings, String sinkName, String table, List<String> columns,
                                  Function<? super T, Object[]> rowExtractor) {
        this(settings, sinkName, table, columns, rowExtractor, DEFAULT_MAX_BATCH_SIZE, ConnectionOpener.DIRECT);
    }

    JdbcTwoPhaseCommitSink(JdbcConnectionSettings settings, String sinkName, String table, List<String> columns,
                           Function<? super T, Object[]> rowExtractor, int maxBatchSize, ConnectionOpener opener) {
        if (settings == null) {
            throw new IllegalArgumentException("JdbcTwoPhaseCommitSink: connection settings are missing");
        }
        this.settings = settings;
        this.sinkName = JdbcWriteAheadSink.checkSinkName("JdbcTwoPhaseCommitSink", sinkName);
        this.table = new TableSpec<>(table, columns, rowExtractor);
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException(describe() + ": maxBatchSize must be positive, got " + maxBatchSize);
        }
        this.maxBatchSize = maxBatchSize;
        this.opener = opener;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        String connector = describe();
        TransactionIds ids = TransactionIds.of(connector, context.jobName(), sinkName);
        // Two connections: COMMIT/ROLLBACK PREPARED must run outside a transaction block, while
        // the data connection is inside one most of the time.
        Connection control = opener.open(settings, connector);
        Connection data = null;
        try {
            checkPreparedTransactionsEnabled(control, connector);
            table.checkExists(control, settings, connector);
            data = opener.open(settings, connector);
            data.setAutoCommit(false);
            JdbcTransactionWriter<T> writer = new JdbcTransactionWriter<>(context, control, data, ids, table,
                    maxBatchSize, settings, connector);
            writer.initializeState();
            return writer;
        } catch (Exception e) {
            control.close();
            if (data != null) {
                data.close();
            }
            throw e;
        }
    }

    private void checkPreparedTransactionsEnabled(Connection control, String connector) throws Exception {
        int max;
        try (Statement statement = control.createStatement();
             ResultSet result = statement.executeQuery("SHOW max_prepared_transactions")) {
            result.next();
            max = Integer.parseInt(result.getString(1).trim());
        } catch (SQLException e) {
            throw settings.failure(connector + ": cannot read the server setting max_prepared_transactions", e);
        }
        if (max <= 0) {
            throw new JdbcConnectorException(connector + ": the PostgreSQL server has max_prepared_transactions = " + max
                    + "; two-phase commit (PREPARE TRANSACTION) needs it above 0: set max_prepared_transactions "
                    + "(at least the sink's parallelism times the checkpoints that can be pending) in postgresql.conf "
                    + "and restart the server");
        }
    }

    /** Names the table and the URL without its password: this string ends up in logs and errors. */
    @Override
    public String toString() {
        return describe();
    }

    private String describe() {
        return "JdbcTwoPhaseCommitSink[sink=" + sinkName + ", table=" + table.table() + ", url=" + settings.redactedUrl() + "]";
    }
}
