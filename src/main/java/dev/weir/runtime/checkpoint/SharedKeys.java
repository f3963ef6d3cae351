package dev.weir.runtime.checkpoint;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys of objects in a job's {@code shared/} directory: {@code <base>/shared/<checkpoint>-<uuid>-<name>},
 * the checkpoint that uploaded the object first.
 */
public final class SharedKeys {

    private static final Pattern CREATED_IN = Pattern.compile("(?:^|/)shared/(\\d{1,18})-[^/]+$");

    private SharedKeys() {}

    /** The checkpoint that uploaded the object at {@code key}; -1 if the key is no shared object's. */
    public static long createdIn(String key) {
        Matcher m = CREATED_IN.matcher(key);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
