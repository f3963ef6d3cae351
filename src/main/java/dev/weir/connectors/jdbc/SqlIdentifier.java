package dev.weir.connectors.jdbc;

import java.util.regex.Pattern;

/**
 * A table or column name that is safe to splice into SQL: plain letters, digits, '_' and '$'
 * (optionally {@code schema.table}), at most 63 characters per part (PostgreSQL's limit), always
 * emitted double-quoted. Anything else is rejected rather than escaped, so a name can never carry
 * SQL. Quoting makes names case-sensitive: they must be spelled as the catalog stores them
 * (lower case for tables created without quotes).
 */
record SqlIdentifier(String name, String quoted) {

    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    static SqlIdentifier of(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name is missing");
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException(what + " name '" + name + "' has more than one '.'");
        }
        StringBuilder quoted = new StringBuilder();
        for (String part : parts) {
            if (!PART.matcher(part).matches()) {
                throw new IllegalArgumentException(what + " name '" + name
                        + "' is not a plain SQL identifier (letters, digits, '_', '$', not starting with a digit, at most 63 characters)");
            }
            if (quoted.length() > 0) {
                quoted.append('.');
            }
            quoted.append('"').append(part).append('"');
        }
        return new SqlIdentifier(name, quoted.toString());
    }

    @Override
    public String toString() {
        return name;
    }
}
