package dev.weir.runtime.worker.transport;

/** A response body sent as it is, not as JSON: Prometheus's text exposition format, say. */
public record TextBody(String contentType, String text) {}
