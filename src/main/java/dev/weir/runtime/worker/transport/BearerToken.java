package dev.weir.runtime.worker.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A job's control token. Kept in this wrapper so it cannot end up in a log line or exception by
 * accident ({@link #toString()} hides it); only {@link #authorizationHeader()} reveals it, for the
 * one header it belongs in.
 */
public final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private final byte[] value;

    private BearerToken(byte[] value) {
        this.value = value;
    }

    public static BearerToken of(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("job token must not be empty");
        }
        return new BearerToken(token.getBytes(StandardCharsets.UTF_8));
    }

    public String authorizationHeader() {
        return SCHEME + new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Whether an {@code Authorization} header value presents this token. Compared in constant time
     * so response timing does not reveal how much of a guess was right.
     */
    public boolean isPresentedBy(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] presented = authorizationHeader.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(value, presented);
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
