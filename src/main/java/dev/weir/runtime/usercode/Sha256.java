package dev.weir.runtime.usercode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 checksums of job jars, as 64 lowercase hex digits (what {@code sha256sum} prints). */
public final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The checksum of a file's content. */
    public static String of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return hex(digest);
    }

    /** 64 hex digits, either case. */
    public static boolean isValid(String value) {
        return value != null && HEX.matcher(value).matches();
    }

    /** Lowercase, so checksums written in either case compare equal. */
    public static String normalize(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
