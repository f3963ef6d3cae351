package dev.weir.runtime.storage;

/** One uploaded part of a multipart upload: what completing the upload needs to name it. */
public record PartETag(int partNumber, String etag) {}
