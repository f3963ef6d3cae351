package dev.weir.runtime.worker.transport;

import dev.weir.runtime.worker.protocol.ErrorBody;

/** What a route answers: a status and a JSON body (none for 204). */
public record ControlResponse(int status, Object body) {

    public static ControlResponse ok(Object body) {
        return new ControlResponse(200, body);
    }

    public static ControlResponse noContent() {
        return new ControlResponse(204, null);
    }

    public static ControlResponse error(int status, String message) {
        return new ControlResponse(status, new ErrorBody(status, message));
    }
}
