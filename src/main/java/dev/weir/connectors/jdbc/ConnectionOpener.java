package dev.weir.connectors.jdbc;

import java.sql.Connection;

/**
 * Opens the sinks' connections. Production code uses {@link JdbcConnectionSettings#connect}; tests
 * substitute one that can drop the connections of a "crashed" attempt, as the server would.
 */
@FunctionalInterface
interface ConnectionOpener {

    ConnectionOpener DIRECT = JdbcConnectionSettings::connect;

    Connection open(JdbcConnectionSettings settings, String connector) throws JdbcConnectorException;
}
