package dev.weir.connectors.jdbc;

/**
 * A JDBC sink failed to talk to its database. The message names the sink, its table and the URL
 * (never the password); {@link #sqlState()} is the driver's code for programs.
 */
public final class JdbcConnectorException extends Exception {

    private final String sqlState;

    JdbcConnectorException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    JdbcConnectorException(String message) {
        this(message, null, null);
    }

    public String sqlState() {
        return sqlState;
    }
}
