package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.weir.runtime.dataflow.Sink;
import dev.weir.runtime.dataflow.SinkContext;
import dev.weir.runtime.dataflow.SinkWriter;

/**
 * Makes the harness's "crash" (writers dropped without close) look to PostgreSQL like a crashed
 * process: when the first writer of a new attempt is created, every connection of earlier attempts
 * is closed as is, so the server rolls back their open transactions (prepared ones survive). It
 * also keeps dropped writers from piling up connections.
 */
final class CrashableConnections implements ConnectionOpener {

    private final List<Connection> opened = new ArrayList<>();
    private long attempt = -1;

    @Override
    public synchronized Connection open(JdbcConnectionSettings settings, String connector) throws JdbcConnectorException {
        Connection connection = settings.connect(connector);
        opened.add(connection);
        return connection;
    }

    synchronized void dropAll() throws SQLException {
        for (Connection connection : opened) {
            connection.close();
        }
        opened.clear();
    }

    /** {@code sink} with the connections of earlier attempts dropped when a new attempt starts. */
    <T> Sink<T> crashingEarlierAttempts(Sink<T> sink) {
        return new Sink<>() {
            @Override
            public SinkWriter<T> createWriter(SinkContext context) throws Exception {
                synchronized (CrashableConnections.this) {
                    if (context.attempt() != attempt) {
                        dropAll();
                        attempt = context.attempt();
                    }
                }
                return sink.createWriter(context);
            }
        };
    }
}
