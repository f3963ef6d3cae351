package dev.weir.connectors.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where a JDBC sink connects: a {@code jdbc:postgresql://} URL and the credentials. The password
 * never appears in {@link #toString()} or in an error message, also when it was put into the URL.
 */
public record JdbcConnectionSettings(String url, String user, String password) {

    public static final String USER_ENV = "WEIR_JDBC_USER";
    public static final String PASSWORD_ENV = "WEIR_JDBC_PASSWORD";
    static final String URL_PREFIX = "jdbc:postgresql://";
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");

    public JdbcConnectionSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("JDBC sink setting 'url' is missing; expected " + URL_PREFIX + "host:port/database");
        }
        if (!url.startsWith(URL_PREFIX)) {
            throw new IllegalArgumentException("JDBC sink setting 'url' must start with " + URL_PREFIX + ", got "
                    + redact(url) + " (only PostgreSQL is supported)");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("JDBC sink setting 'user' is missing for " + redact(url)
                    + " (set " + USER_ENV + ")");
        }
        password = password == null ? "" : password;
    }

    /** The URL as given, with credentials from {@value #USER_ENV} and {@value #PASSWORD_ENV}. */
    public static JdbcConnectionSettings fromEnvironment(String url) {
        return fromEnvironment(url, System.getenv());
    }

    static JdbcConnectionSettings fromEnvironment(String url, Map<String, String> environment) {
        String user = environment.get(USER_ENV);
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("environment variable " + USER_ENV + " is not set; it holds the user of the JDBC sink's database "
                    + (url == null ? "" : redact(url)));
        }
        return new JdbcConnectionSettings(url, user, environment.get(PASSWORD_ENV));
    }

    /** The URL with any {@code password=} parameter masked: safe for logs and messages. */
    public String redactedUrl() {
        return redact(url);
    }

    /**
     * Opens a connection in autocommit mode. Failures name {@code connector} and the URL and carry
     * the driver's SQLState; the password is masked even if the driver echoed it.
     */
    public Connection connect(String connector) throws JdbcConnectorException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw failure(connector + ": cannot connect to " + redactedUrl() + " as user '" + user + "'", e);
        }
    }

    /** An exception for a failed database call, with the password masked from the driver's message. */
    JdbcConnectorException failure(String what, SQLException cause) {
        String reason = String.valueOf(cause.getMessage());
        String masked = redact(password.isEmpty() ? reason : reason.replace(password, "***"));
        // The driver's exception stays attached for its stack trace unless its message would leak
        // the password when the exception is logged with its causes.
        Throwable keptCause = masked.equals(reason) ? cause : null;
        return new JdbcConnectorException(what + ": " + masked + " [SQLState " + cause.getSQLState() + "]",
                cause.getSQLState(), keptCause);
    }

    @Override
    public String toString() {
        return "JdbcConnectionSettings[url=" + redactedUrl() + ", user=" + user + ", password=***]";
    }

    private static String redact(String text) {
        return PASSWORD_IN_URL.matcher(text).replaceAll("$1***");
    }
}
