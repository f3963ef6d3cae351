package dev.weir.runtime.worker.transport;

import java.util.Map;

/**
 * A response body that is a file, sent as it is with its content type and the headers it asks for
 * (a page's Content-Security-Policy, say).
 */
public record FileBody(String contentType, byte[] content, Map<String, String> headers) {

    public FileBody {
        headers = Map.copyOf(headers);
    }
}
