package dev.weir.runtime.storage;

import java.io.IOException;

/**
 * The store answered and refused the request for a reason that does not go away by waiting: the
 * credentials are wrong, they grant no access, the bucket does not exist or its name is invalid.
 * The settings must change; an unreachable or overloaded store is a plain {@link IOException}.
 */
public final class StorageRefusedException extends IOException {

    private final String code;

    public StorageRefusedException(String message, String code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The store's error code, e.g. {@code AccessDenied} or {@code NoSuchBucket}. */
    public String code() {
        return code;
    }
}
