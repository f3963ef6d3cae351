package dev.weir.examples.nexmark;

import java.nio.charset.StandardCharsets;

/**
 * FNV-1a 64 of a row's UTF-8 text, fed field by field without building the text (spec §2). One
 * instance per sink writer, reset before every row: the hot path allocates nothing.
 */
final class Fnv1a64Row implements RowBuilder {

    static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    static final long PRIME = 0x100000001b3L;

    private final byte[] digits = new byte[20];
    private long hash;
    private boolean first;

    /** Starts a new row. */
    Fnv1a64Row reset() {
        hash = OFFSET_BASIS;
        first = true;
        return this;
    }

    long hash() {
        return hash;
    }

    @Override
    public RowBuilder field(long value) {
        long h = separate();
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                hash = bytes(h, Long.toString(value).getBytes(StandardCharsets.US_ASCII));
                return this;
            }
            h = (h ^ '-') * PRIME;
            value = -value;
        }
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        for (int i = at; i < digits.length; i++) {
            h = (h ^ digits[i]) * PRIME;
        }
        hash = h;
        return this;
    }

    @Override
    public RowBuilder field(String value) {
        long h = separate();
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                // Rare: the generator writes ASCII only. Hash the rest of the field as UTF-8.
                hash = bytes(h, value.substring(i).getBytes(StandardCharsets.UTF_8));
                return this;
            }
            h = (h ^ c) * PRIME;
        }
        hash = h;
        return this;
    }

    private long separate() {
        if (first) {
            first = false;
            return hash;
        }
        return (hash ^ ',') * PRIME;
    }

    private static long bytes(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * PRIME;
        }
        return h;
    }

    /** FNV-1a 64 of {@code text}'s UTF-8 bytes: the digest of one row given as text. */
    static long of(String text) {
        return bytes(OFFSET_BASIS, text.getBytes(StandardCharsets.UTF_8));
    }
}
