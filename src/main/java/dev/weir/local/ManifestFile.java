package dev.weir.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a manifest file as UTF-8 text (as kubectl and the API server do), with errors that name
 * the file and say what is wrong: not found, a directory, not readable, or where a byte is not UTF-8.
 */
final class ManifestFile {

    private ManifestFile() {}

    static String read(Path file) throws IOException, InvalidManifestException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new IOException(file + ": is a directory, not a manifest file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": not found", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        }
        return decode(bytes, file.toString());
    }

    static String decode(byte[] bytes, String source) throws InvalidManifestException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int position = in.position();
            throw new InvalidManifestException(source, List.of("not UTF-8 text: the byte at offset " + position
                    + " (line " + line(bytes, position) + ") is 0x" + String.format("%02X", bytes[position] & 0xFF)
                    + ", which is not UTF-8 there; a manifest must be UTF-8"));
        }
        if (result.isOverflow()) {
            // Cannot happen: a byte makes at most one char. Say so rather than cut the text short.
            throw new IllegalStateException("decoding " + source + " overflowed");
        }
        return out.flip().toString();
    }

    private static int line(byte[] bytes, int position) {
        int line = 1;
        for (int i = 0; i < position; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
