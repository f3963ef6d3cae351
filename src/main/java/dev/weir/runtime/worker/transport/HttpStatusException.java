package dev.weir.runtime.worker.transport;

/** Thrown by a route to answer with a non-2xx status; the message becomes the JSON error body. */
public class HttpStatusException extends RuntimeException {

    private final int status;

    public HttpStatusException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpStatusException badRequest(String message) {
        return new HttpStatusException(400, message);
    }

    public static HttpStatusException notFound(String message) {
        return new HttpStatusException(404, message);
    }
}
