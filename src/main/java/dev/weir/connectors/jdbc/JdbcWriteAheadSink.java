package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;
import dev.weir.runtime.state.serialization.TypeSerializer;

/**
 * A write-ahead-log PostgreSQL sink: records wait in the checkpointed state and, once their
 * checkpoint completes, are inserted in one database transaction together with a row in
 * {@value JdbcCheckpointCommitter#TABLE} (created if missing), so a replayed batch is never
 * written twice and a crash never leaves half a batch. Works on any table (no key needed).
 *
 * <p>Commit rows are keyed by job name and {@code sinkName}; a job started from scratch (not
 * restored) under the same name would find its checkpoint ids already committed, so delete that
 * job's rows (or choose another sink name) before rerunning it from scratch.
 */
public final class JdbcWriteAheadSink<T> implements Sink<T> {

    static final Pattern SINK_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final JdbcConnectionSettings settings;
    private final String sinkName;
    private final TableSpec<T> table;
    private final TypeSerializer<T> serializer;
    private final ConnectionOpener opener;

    /**
     * @param sinkName     distinguishes this sink's commit rows from other sinks of the job
     * @param columns      the columns written, in the order {@code rowExtractor} returns values
     * @param serializer   how records are kept in the checkpoint until they are written
     */
    public JdbcWriteAheadSink(JdbcConnectionSettings settings, String sinkName, String table, List<String> columns,
                              Function<? super T, Object[]> rowExtractor, TypeSerializer<T> serializer) {
        this(settings, sinkName, table, columns, rowExtractor, serializer, ConnectionOpener.DIRECT);
    }

    JdbcWriteAheadSink(JdbcConnectionSettings settings, String sinkName, String table, List<String> columns,
                       Function<? super T, Object[]> rowExtractor, TypeSerializer<T> serializer, ConnectionOpener opener) {
        if (settings == null) {
            throw new IllegalArgumentException("JdbcWriteAheadSink: connection settings are missing");
        }
        this.settings = settings;
        this.sinkName = checkSinkName("JdbcWriteAheadSink", sinkName);
        this.table = new TableSpec<>(table, columns, rowExtractor);
        if (serializer == null) {
            throw new IllegalArgumentException(describe() + ": the record serializer is missing");
        }
        this.serializer = serializer;
        this.opener = opener;
    }

    static String checkSinkName(String connector, String sinkName) {
        if (sinkName == null || !SINK_NAME.matcher(sinkName).matches()) {
            throw new IllegalArgumentException(connector + ": sink name '" + sinkName
                    + "' must be 1-64 letters, digits or '_' (it goes into commit records and transaction ids)");
        }
        return sinkName;
    }

    @Override
    public SinkWriter<T> createWriter(SinkContext context) throws Exception {
        String connector = describe();
        Connection connection = opener.open(settings, connector);
        try {
            table.checkExists(connection, settings, connector);
            try {
                JdbcCheckpointCommitter.createTableIfMissing(connection);
            } catch (java.sql.SQLException e) {
                throw settings.failure(connector + ": cannot create the commit table " + JdbcCheckpointCommitter.TABLE, e);
            }
            connection.setAutoCommit(false);
            JdbcWriteAheadWriter<T> writer = new JdbcWriteAheadWriter<>(context, serializer, connection,
                    new JdbcCheckpointCommitter(connection, context.jobName(), sinkName), settings, connector, table);
            writer.initializeState();
            return writer;
        } catch (Exception e) {
            connection.close();
            throw e;
        }
    }

    /** Names the table and the URL without its password: this string ends up in logs and errors. */
    @Override
    public String toString() {
        return describe();
    }

    private String describe() {
        return "JdbcWriteAheadSink[sink=" + sinkName + ", table=" + table.table() + ", url=" + settings.redactedUrl() + "]";
    }
}
