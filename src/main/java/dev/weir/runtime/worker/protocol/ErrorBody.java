package dev.weir.runtime.worker.protocol;

/** The JSON body of every non-2xx control-plane response, so clients can show the server's reason. */
public record ErrorBody(int status, String error) {}
