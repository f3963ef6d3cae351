package dev.weir.runtime.worker.protocol;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapping of the control plane, shared by workers and coordinator so both read what the other writes. */
public final class ControlPlaneJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // A worker image and the operator are upgraded separately: a newer peer may add fields.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // An explicit null id or attempt is a broken peer: fail instead of reading it as 0.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ControlPlaneJson() {}

    /** Thread-safe; do not reconfigure. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (IOException e) {
            // Only our own records are written; failing here is a programming error.
            throw new IllegalStateException("cannot serialize " + message.getClass().getSimpleName(), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static <T> T read(InputStream json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }
}
