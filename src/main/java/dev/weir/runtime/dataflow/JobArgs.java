package dev.weir.runtime.dataflow;

import java.util.Map;
import java.util.TreeMap;

/** The {@code args} map of a StreamJob, with typed getters whose errors name the argument. */
public final class JobArgs {

    private final Map<String, String> values;

    public JobArgs(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public String require(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("job argument '" + name + "' is required");
        }
        return value;
    }

    public long getLong(String name, long defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.replace("_", "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "job argument '" + name + "' must be an integer (got \"" + value + "\")");
        }
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
